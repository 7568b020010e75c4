"""Running a compiled program: the durable-rules backend (`durable`, the only module that imports
durable-rules), the pure-Python oracle (`oracle`), the memo (`memo`) and the justification log
(`justification`). Nothing is imported here."""
