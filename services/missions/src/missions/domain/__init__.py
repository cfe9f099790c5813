"""The rules of missions, job declarations, repayable advances and guidance. No I/O."""
