"""`/me`: a volunteer or newcomer sees, takes and erases their own data, with a link instead of a password."""
