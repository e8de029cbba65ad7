//! Which CTranslate2 variable each whisper.cpp tensor comes from (CTranslate2 fuses some of
//! Whisper's matrices), in whisper.cpp's order, and writing each one's values in the output
//! type.

use std::io;
use std::ops::Range;

use half::f16;

use super::error::ConvertError;
use crate::model::ct2::{Ct2Model, DType};
use crate::model::ggml::{self, GgmlWriter, Hparams, Q8_0_BLOCK, TensorSpec, TensorType};

/// One output tensor and where its values come from.
pub(super) struct Planned {
    pub(super) spec: TensorSpec,
    pub(super) var: String,
    pub(super) rows: Range<usize>,
}

/// Where a whisper.cpp tensor comes from in a CTranslate2 model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Source {
    pub(super) var: String,
    /// For one part of a fused projection: its rows, and the fused variable's row count.
    pub(super) fused: Option<FusedRows>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FusedRows {
    pub(super) rows: Range<usize>,
    pub(super) total: usize,
}

pub(super) fn fused(rows: Range<usize>, total: usize) -> FusedRows {
    FusedRows { rows, total }
}

/// The CTranslate2 variable behind a whisper.cpp tensor name, and which of its rows. Key biases have no source: CTranslate2
/// stores zeros there, and a bias on the keys shifts every attention score of a query by the
/// same amount, which softmax ignores, so whisper.cpp has none.
pub(super) fn ct2_source(name: &str, d: usize) -> Option<Source> {
    let ln = |param: &str| match param {
        "weight" => Some("gamma"),
        "bias" => Some("beta"),
        _ => None,
    };
    let whole = |var: String| Some(Source { var, fused: None });
    match name {
        "encoder.positional_embedding" => {
            return whole("encoder/position_encodings/encodings".into());
        }
        "decoder.positional_embedding" => {
            return whole("decoder/position_encodings/encodings".into());
        }
        "decoder.token_embedding.weight" => return whole("decoder/embeddings/weight".into()),
        _ => {}
    }
    let (module, param) = name.rsplit_once('.')?;
    match module {
        "encoder.conv1" | "encoder.conv2" => {
            return whole(format!("{}/{param}", module.replace('.', "/")));
        }
        "encoder.ln_post" => return whole(format!("encoder/layer_norm/{}", ln(param)?)),
        "decoder.ln" => return whole(format!("decoder/layer_norm/{}", ln(param)?)),
        _ => {}
    }
    let (side, rest) = module.split_once(".blocks.")?;
    let (layer, sub) = rest.split_once('.')?;
    let layer: usize = layer.parse().ok()?;
    let prefix = format!("{side}/layer_{layer}");
    let (target, rows) = match sub {
        "mlp_ln" => return whole(format!("{prefix}/ffn/layer_norm/{}", ln(param)?)),
        "attn_ln" => return whole(format!("{prefix}/self_attention/layer_norm/{}", ln(param)?)),
        "cross_attn_ln" => return whole(format!("{prefix}/attention/layer_norm/{}", ln(param)?)),
        "mlp.0" => ("ffn/linear_0", None),
        "mlp.2" => ("ffn/linear_1", None),
        "attn.query" => ("self_attention/linear_0", Some(fused(0..d, 3 * d))),
        "attn.key" => ("self_attention/linear_0", Some(fused(d..2 * d, 3 * d))),
        "attn.value" => ("self_attention/linear_0", Some(fused(2 * d..3 * d, 3 * d))),
        "attn.out" => ("self_attention/linear_1", None),
        "cross_attn.query" => ("attention/linear_0", None),
        "cross_attn.key" => ("attention/linear_1", Some(fused(0..d, 2 * d))),
        "cross_attn.value" => ("attention/linear_1", Some(fused(d..2 * d, 2 * d))),
        "cross_attn.out" => ("attention/linear_2", None),
        _ => return None,
    };
    Some(Source {
        var: format!("{prefix}/{target}/{param}"),
        fused: rows,
    })
}

/// Maps every tensor of the layout to its source and checks shapes and types before any file
/// is created.
pub(super) fn plan_tensors(model: &Ct2Model, h: &Hparams) -> Result<Vec<Planned>, ConvertError> {
    let path = &model.path;
    let layout = h.tensor_layout().ok_or_else(|| ConvertError::Implausible {
        path: path.clone(),
        reason: format!("ftype {}", h.ftype),
    })?;
    let d = h.n_text_state as usize;
    let mut plan = Vec::with_capacity(layout.len());
    for spec in layout {
        let Source {
            var: var_name,
            fused: rows,
        } = ct2_source(&spec.name, d).ok_or_else(|| ConvertError::Implausible {
            path: path.clone(),
            reason: format!("no CTranslate2 source known for {}", spec.name),
        })?;
        let var = model
            .get(&var_name)
            .ok_or_else(|| ConvertError::MissingVariable {
                path: path.clone(),
                name: var_name.clone(),
            })?;
        let bad_shape = |expected: String| ConvertError::BadShape {
            path: path.clone(),
            name: var_name.clone(),
            shape: var.shape.clone(),
            expected,
        };
        let rows = match rows {
            Some(FusedRows { rows, total }) => {
                if var.rows() != total {
                    return Err(bad_shape(format!("{total} rows (fused projections)")));
                }
                rows
            }
            None => 0..var.rows(),
        };
        // The slice must have the tensor's shape; conv biases gain a trailing 1 in whisper.cpp.
        let mut slice_shape = var.shape.clone();
        if let Some(first) = slice_shape.first_mut() {
            *first = rows.len();
        }
        let fits = slice_shape == spec.shape
            || (spec.shape.len() == 2 && spec.shape[1] == 1 && slice_shape == spec.shape[..1]);
        if !fits {
            return Err(bad_shape(format!("{:?} for {}", spec.shape, spec.name)));
        }
        match var.dtype {
            DType::F32 | DType::F16 | DType::BF16 => {}
            DType::I8 | DType::I16 => {
                let scale = format!("{var_name}_scale");
                if model.get(&scale).is_none() {
                    return Err(ConvertError::MissingVariable {
                        path: path.clone(),
                        name: scale,
                    });
                }
            }
            other => {
                return Err(ConvertError::UnsupportedDtype {
                    path: path.clone(),
                    name: var_name,
                    dtype: other.name(),
                });
            }
        }
        if spec.ttype == TensorType::Q8_0 {
            let row_len = *spec.shape.last().unwrap_or(&0);
            if row_len % Q8_0_BLOCK != 0 {
                return Err(ConvertError::NotQuantizable {
                    path: path.clone(),
                    name: spec.name,
                    row_len,
                });
            }
        }
        plan.push(Planned {
            spec,
            var: var_name,
            rows,
        });
    }
    Ok(plan)
}

/// Converts one tensor's rows in chunks, so at most a few MB are held beside the source model.
pub(super) fn write_tensor_data<W: io::Write>(
    model: &Ct2Model,
    p: &Planned,
    w: &mut GgmlWriter<W>,
    buf: &mut Vec<u8>,
) -> Result<(), ConvertError> {
    let write_err = |source| ConvertError::Write {
        path: model.path.clone(),
        source,
    };
    let var = model
        .get(&p.var)
        .ok_or_else(|| ConvertError::MissingVariable {
            path: model.path.clone(),
            name: p.var.clone(),
        })?;
    let row_len = var.row_len();
    // f16 stays bit for bit.
    // (A shape that does not fit its data falls through to `rows_f32`, which says so.)
    let at = |row: usize| row.checked_mul(row_len)?.checked_mul(2);
    if var.dtype == DType::F16
        && p.spec.ttype == TensorType::F16
        && let (Some(from), Some(to)) = (at(p.rows.start), at(p.rows.end))
        && let Some(bytes) = var.data.get(from..to)
    {
        return w.write_data(bytes).map_err(write_err);
    }
    let chunk_rows = ((1 << 20) / row_len.max(1)).max(1);
    let mut start = p.rows.start;
    while start < p.rows.end {
        let end = (start + chunk_rows).min(p.rows.end);
        let values = model.rows_f32(&p.var, start..end)?;
        buf.clear();
        match p.spec.ttype {
            TensorType::F32 => buf.extend(values.iter().flat_map(|x| x.to_le_bytes())),
            TensorType::F16 => {
                buf.extend(values.iter().flat_map(|x| f16::from_f32(*x).to_le_bytes()))
            }
            TensorType::Q8_0 => ggml::quantize_q8_0(&values, buf),
            other => {
                return Err(ConvertError::Implausible {
                    path: model.path.clone(),
                    reason: format!("{} would need {other}, which is not written", p.spec.name),
                });
            }
        }
        w.write_data(buf).map_err(write_err)?;
        start = end;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_mapping() {
        let cases = [
            ("encoder.conv1.bias", "encoder/conv1/bias", None),
            ("encoder.ln_post.weight", "encoder/layer_norm/gamma", None),
            ("decoder.ln.bias", "decoder/layer_norm/beta", None),
            (
                "encoder.blocks.3.attn.key.weight",
                "encoder/layer_3/self_attention/linear_0/weight",
                Some((8..16, 24)),
            ),
            (
                "decoder.blocks.0.cross_attn.value.bias",
                "decoder/layer_0/attention/linear_1/bias",
                Some((8..16, 16)),
            ),
            (
                "decoder.blocks.1.cross_attn_ln.weight",
                "decoder/layer_1/attention/layer_norm/gamma",
                None,
            ),
            (
                "decoder.blocks.1.mlp.2.weight",
                "decoder/layer_1/ffn/linear_1/weight",
                None,
            ),
        ];
        for (name, var, rows) in cases {
            let want = Source {
                var: var.to_string(),
                fused: rows.map(|(r, t)| fused(r, t)),
            };
            assert_eq!(ct2_source(name, 8), Some(want), "{name}");
        }
        assert_eq!(ct2_source("encoder.blocks.x.attn.key.weight", 8), None);
    }
}
