"""The deadline worker: escalates unanswered approval tasks to the owner's manager, once."""
