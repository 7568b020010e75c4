"""Reading: the one place YAML and JSON are parsed.

- `classifier.reading.data`: the files thb ships (the rule base, the message catalogues), read
  with libyaml's safe loader;
- `classifier.reading.inputs`: whatever thb is given (fact patterns, case files, answer files,
  drafts, audit batches), read bounded and strict, every problem an `InputError` naming the file,
  line and path.

(Nothing is imported here, so that `i18n` can read its catalogues with `data` while `inputs`
writes its messages with `i18n`.)
"""
