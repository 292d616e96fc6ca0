"""Applications: the hiring pipeline from apply to hire, interviews and feedback."""
