"""Small files of an analyst's, shared by tests in more than one folder."""

# Two events: one at a shipped place (a day-first date), one at new coordinates (a month).
CSV = """id,date,title,kind,place_id,lat,lon,source,source_url,quote
summit,13/09/2023,Summit at the cosmodrome,summit,vostochny,,,Kremlin readout,http://example.org/a,"They met"
ship,2023-10,Ship at a new quay,transfer,Quay X,42.245,130.295,Imagery report,,
"""
