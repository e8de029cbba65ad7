//! The clock's plan for an answer: which section the elapsed time says you should be in.
//!
//! Each section is given the middle of its target band, one after the other, so the plan ends
//! where a balanced answer would: star-long's opening (20-40 s) runs to 0:30, its situation
//! (1:30-2:30) to 2:30, and so on. This only guides the speaker while recording; the analysis
//! afterwards finds the real sections from what was said.

use crate::analyze::frameworks::Framework;

/// One section on the clock.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub id: String,
    /// Lowercase, for running text ("own it", "what went wrong").
    pub name: String,
    pub min_s: f64,
    pub max_s: f64,
    /// When the plan moves on to the next section.
    pub finish_by: f64,
}

/// The whole plan: sections in order plus the band for the whole answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub framework_id: String,
    pub framework_name: String,
    pub overall_min_s: f64,
    pub overall_max_s: f64,
    pub steps: Vec<Step>,
}

/// Where the clock is in the plan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Position<'a> {
    In {
        index: usize,
        step: &'a Step,
        next: Option<&'a Step>,
    },
    /// Past the last section's planned end.
    Past,
}

/// The elapsed time against the band for the whole answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Overall {
    /// Seconds still to go before the answer reaches the band.
    Under(f64),
    /// Seconds left before the answer is too long.
    Within(f64),
    /// Seconds past the band.
    Over(f64),
}

impl Plan {
    pub fn from_framework(fw: &Framework) -> Plan {
        let mut end = 0.0;
        let steps = fw
            .sections
            .iter()
            .map(|s| {
                end += (s.target.min_s + s.target.max_s) / 2.0;
                Step {
                    id: s.id.clone(),
                    name: s.name.to_lowercase(),
                    min_s: s.target.min_s,
                    max_s: s.target.max_s,
                    finish_by: end,
                }
            })
            .collect();
        Plan {
            framework_id: fw.id.clone(),
            framework_name: fw.name.clone(),
            overall_min_s: fw.overall.min_s,
            overall_max_s: fw.overall.max_s,
            steps,
        }
    }

    pub fn position(&self, t: f64) -> Position<'_> {
        match self.steps.iter().position(|s| t < s.finish_by) {
            Some(index) => Position::In {
                index,
                step: &self.steps[index],
                next: self.steps.get(index + 1),
            },
            None => Position::Past,
        }
    }

    pub fn overall(&self, t: f64) -> Overall {
        if t < self.overall_min_s {
            Overall::Under(self.overall_min_s - t)
        } else if t <= self.overall_max_s {
            Overall::Within(self.overall_max_s - t)
        } else {
            Overall::Over(t - self.overall_max_s)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::frameworks::Catalog;

    fn plan(id: &str) -> Plan {
        let cat = Catalog::embedded().expect("embedded data");
        Plan::from_framework(cat.framework(id).expect("framework"))
    }

    #[test]
    fn star_long_runs_on_target_midpoints() {
        let p = plan("star-long");
        let ends: Vec<f64> = p.steps.iter().map(|s| s.finish_by).collect();
        assert_eq!(ends[0], 30.0);
        assert_eq!(ends[1], 150.0);
        match p.position(24.0) {
            Position::In { step, next, .. } => {
                assert_eq!(step.name, "opening");
                assert_eq!(step.finish_by, 30.0);
                assert_eq!(next.map(|n| n.id.as_str()), Some("situation"));
            }
            other => panic!("{other:?}"),
        }
        match p.position(30.0) {
            Position::In { index, .. } => assert_eq!(index, 1),
            other => panic!("{other:?}"),
        }
        assert_eq!(p.position(5000.0), Position::Past);
    }

    #[test]
    fn overall_band() {
        let p = plan("star-l");
        assert_eq!(p.overall(20.0), Overall::Under(40.0));
        assert_eq!(p.overall(100.0), Overall::Within(20.0));
        assert_eq!(p.overall(130.0), Overall::Over(10.0));
    }
}
