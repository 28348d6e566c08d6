"""Page sizes shared by the staff pages."""




PAGE_SIZE = 25
SEARCH_LIMIT = 100
