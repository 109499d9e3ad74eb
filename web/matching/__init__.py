"""The coordinator's matching: pools from the database, runs, proposals and decisions."""
