"""The rule base: loading, validating and compiling `rules/` — the only place the law comes from.

- `files`: reading the files (vocabulary, catalogue, readings, parameters, law by date…);
- `legal`: the legal constants the code decides by (ages, dates, gravity, trafficking articles);
- `compiler`: checking the rule files and stratifying them into programs;
- `cache`: the compiled rule base kept on disk between runs;
- `prose`: the rule base's texts in the language in force.

(Nothing is imported here: each module is imported by name, so that reading the rule base
costs only what is used.)
"""
