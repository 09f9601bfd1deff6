"""The site-level files made from the meetings: feeds, calendars, open data, the sitemap."""
