"""The analysis: from a fact pattern to findings. Units (atoms from facts), elements, roles,
ranking, penalties, the consequences (misclassification, prosecution, non-punishment, the law by
date) and one pipeline that composes them (`pipeline.classify`, `pipeline.classify_many`).
Nothing is imported here."""
