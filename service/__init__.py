"""The top floor: the HTTP API, the web pages and the ``trialmatch`` command line."""
