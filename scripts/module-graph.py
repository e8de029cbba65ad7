#!/usr/bin/env python3
"""Prints rehearse's module dependency graph and fails if it has a cycle.

Usage: python3 scripts/module-graph.py [--files]

Reads the `use` lines and inline paths (`crate::...`, `super::...`, `rehearse::...`) of every
file under src/ and resolves each to the file that defines what it names. A `mod.rs` (or
`cli.rs`) that only declares and re-exports its children (`pub use child::X`) is a facade: a
name used through it counts as a use of the child that defines it. Test code (`#[cfg(test)]`
modules, `tests.rs`, `test_support.rs`) is left out: tests may reach anywhere.

Two graphs are checked: between top-level modules (analyze, audio, capture, ...; the binary's
`cli` apart), and between the files inside each of them. Exit status 1 when either has a cycle.
"""

import os
import re
import sys
from collections import defaultdict

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SRC = os.path.join(ROOT, "src")


def module_of(path):
    """src/history/store.rs -> ('lib', ('history', 'store')); src/cli/x.rs -> ('bin', ('cli', 'x'))."""
    rel = os.path.relpath(path, SRC)[: -len(".rs")].split(os.sep)
    if rel[-1] == "mod":
        rel = rel[:-1]
    if rel in (["lib"], ["main"]):
        rel = []
    crate = "bin" if (rel[:1] == ["cli"] or os.path.relpath(path, SRC) == "main.rs") else "lib"
    return crate, tuple(rel)


def strip_tests_and_comments(text):
    text = re.split(r"\n#\[cfg\(test\)\]\n(?:pub\(crate\) )?mod \w+ \{", text)[0]
    text = re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', text)
    return "\n".join(re.sub(r"//.*", "", line) for line in text.split("\n"))


files = {}
for dirpath, _, names in os.walk(SRC):
    for n in names:
        if n.endswith(".rs") and n not in ("tests.rs", "test_support.rs"):
            p = os.path.join(dirpath, n)
            files[module_of(p)] = p

modules = set(files)


def resolve_module(crate, segs):
    """Longest prefix of segs that is a module file; returns (module, rest of the path)."""
    for k in range(len(segs), -1, -1):
        if (crate, tuple(segs[:k])) in modules_t:
            return (crate, tuple(segs[:k])), segs[k:]
    return None, segs


modules_t = {(c, tuple(m)) for c, m in modules}

# Re-exports: module -> name -> child module that defines it.
reexports = defaultdict(dict)
defined = defaultdict(set)
sources = {}
for (crate, mod), path in files.items():
    key = (crate, tuple(mod))
    text = strip_tests_and_comments(open(path, encoding="utf-8").read())
    sources[key] = text
    for name in re.findall(
        r"^\s*pub(?:\([a-z]+\))? (?:fn|struct|enum|const|static|type|trait|mod) (\w+)", text, re.M
    ):
        defined[key].add(name)

USE_RE = re.compile(r"^\s*(pub(?:\([a-z]+\))? )?use ([^;]+);", re.M)


def expand(tree):
    """'a::{b, c::{d, e}}' -> ['a::b', 'a::c::d', 'a::c::e']"""
    tree = re.sub(r"\s+", "", tree)
    m = re.match(r"^(.*?)\{(.*)\}$", tree)
    if not m:
        return [tree]
    prefix, inner = m.group(1), m.group(2)
    parts, depth, cur = [], 0, ""
    for ch in inner:
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        depth += ch == "{"
        depth -= ch == "}"
        cur += ch
    if cur:
        parts.append(cur)
    out = []
    for p in parts:
        out.extend(prefix + q for q in expand(p))
    return out


def absolute(key, path):
    """A use path as seen from module `key`, made absolute: (crate, segments)."""
    crate, mod = key
    segs = [s for s in path.split("::") if s]
    segs = [s.split(" as ")[0] for s in segs]
    if not segs:
        return None
    if segs[0] == "crate":
        return crate, segs[1:]
    if segs[0] == "rehearse":
        return "lib", segs[1:]
    if segs[0] == "self":
        return crate, list(mod) + segs[1:]
    if segs[0] == "super":
        base = list(mod)
        while segs and segs[0] == "super":
            base = base[:-1]
            segs = segs[1:]
        return crate, base + segs
    # A path starting with a child module's name (2018 edition) or an external crate.
    if (crate, tuple(mod) + (segs[0],)) in modules_t:
        return crate, list(mod) + segs
    return None


for key, text in sources.items():
    for pub, tree in USE_RE.findall(text):
        if not pub:
            continue
        for path in expand(tree):
            a = absolute(key, path)
            if not a:
                continue
            target, rest = resolve_module(*a) if a[1] else (None, [])
            if target and target != key and target[1][: len(key[1])] == key[1]:
                name = rest[0] if rest else None
                if name == "*":
                    for n in defined[target]:
                        reexports[key].setdefault(n, target)
                elif name:
                    reexports[key][name.split(" as ")[-1]] = target

edges = defaultdict(set)


def add_edge(key, a):
    target, rest = resolve_module(*a)
    if target is None or target == key:
        return
    # Through a facade to the child that defines the name.
    while rest and rest[0] in reexports.get(target, {}):
        nxt = reexports[target][rest[0]]
        if nxt == key:
            return
        target = nxt
        rest = rest[1:]
    if target != key:
        edges[key].add(target)


for key, text in sources.items():
    for pub, tree in USE_RE.findall(text):
        if pub:
            continue
        for path in expand(tree):
            a = absolute(key, path)
            if a:
                add_edge(key, a)
    body = USE_RE.sub("", text)
    for m in re.finditer(r"\b((?:crate|super|rehearse)(?:::\w+)+)", body):
        a = absolute(key, m.group(1))
        if a:
            add_edge(key, a)
    # Paths that start with a child module's name (`whisper::Engine` inside transcribe/mod.rs).
    children = [c[1][-1] for c in modules_t if c[0] == key[0] and c[1][:-1] == key[1] and c[1]]
    for child in children:
        for m in re.finditer(r"(?<![\w:])(" + child + r"(?:::\w+)+)", body):
            add_edge(key, (key[0], list(key[1]) + m.group(1).split("::")))


def name(key):
    crate, mod = key
    return ("rehearse" if crate == "lib" else "bin") + ("::" + "::".join(mod) if mod else "")


def sccs(nodes, succ):
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in succ.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(comp)

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return [c for c in out if len(c) > 1]


def top(key):
    crate, mod = key
    return (crate, mod[:1])


bad = False
# Top-level modules.
top_edges = defaultdict(set)
for a, bs in edges.items():
    for b in bs:
        if top(a) != top(b):
            top_edges[top(a)].add(top(b))
tops = {top(k) for k in sources}
print("Top-level modules (A -> what A uses):")
for t in sorted(tops, key=name):
    print(f"  {name(t):28} -> {', '.join(sorted(name(x) for x in top_edges.get(t, ()))) or '-'}")
cyc = sccs(tops, top_edges)
for c in cyc:
    bad = True
    print("CYCLE between modules:", " <-> ".join(sorted(name(x) for x in c)))

# Files inside each top-level module.
print("\nFiles inside each module (only uses within the same module):")
for t in sorted(tops, key=name):
    inner = {k for k in sources if top(k) == t}
    succ = {k: {b for b in edges.get(k, ()) if top(b) == t} for k in inner}
    lines = [
        f"    {name(k)} -> {', '.join(sorted(name(b) for b in succ[k]))}"
        for k in sorted(inner, key=name)
        if succ[k]
    ]
    if lines:
        print(f"  {name(t)}:")
        print("\n".join(lines))
    for c in sccs(inner, succ):
        bad = True
        print("  CYCLE between files:", " <-> ".join(sorted(name(x) for x in c)))

print("\nno cycles" if not bad else "\ncycles found")
sys.exit(1 if bad else 0)
