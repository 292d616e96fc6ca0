"""Match scores of applications: the resume each came with, scored against its job."""
