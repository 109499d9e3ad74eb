"""Personal data: what Kompis holds and why, and how people see, take and erase their own."""
