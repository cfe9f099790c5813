"""Committee: the approval committee's docket and its decisions."""
