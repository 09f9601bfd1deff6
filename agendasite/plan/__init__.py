"""Planning the output: every page and file with its address, the payers across meetings, what the site-level
files share, and the check that no two outputs share an address."""
