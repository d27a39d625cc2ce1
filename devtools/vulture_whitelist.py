"""Names vulture cannot see used, each group with its reason.

Run: ``vulture rkmap app.py serve.py bench scripts devtools tests devtools/vulture_whitelist.py --exclude tests/fixtures --min-confidence 60``
(tests/test_code_health.py does). Add a name here only under a reason."""


# Called by pytest (hooks, marks, fixtures used by name) or by hypothesis (state-machine rules and invariants)
worker_on  # fixture requested by name (tests/data/test_load_worker.py)
pytest_configure  # unused function (tests/browser/conftest.py:37)
pytest_collection_modifyitems  # unused function (tests/browser/conftest.py:41)
pytest_terminal_summary  # unused function (tests/browser/conftest.py:50)
exitstatus  # unused variable (tests/browser/conftest.py:50)
pytestmark  # unused variable (tests/browser/test_download_race.py:24)
pytestmark  # unused variable (tests/browser/test_hostile_text.py:39)
pytestmark  # unused variable (tests/browser/test_labels_in_browser.py:10)
pytestmark  # unused variable (tests/browser/test_load_smoke.py:18)
pytestmark  # unused variable (tests/browser/test_map_in_browser.py:31)
pytestmark  # unused variable (tests/browser/test_real_files_in_browser.py:13)
pytestmark  # unused variable (tests/browser/test_restart_in_browser.py:21)
pytestmark  # unused variable (tests/browser/test_state_and_layout_in_browser.py:11)
pytestmark  # unused variable (tests/browser/test_story_in_browser.py:16)
pytestmark  # unused variable (tests/browser/test_workflows_in_browser.py:23)
pytest_configure  # unused function (tests/conftest.py:42)
pytest_report_header  # unused function (tests/conftest.py:56)
_suite_backend  # unused function (tests/conftest.py:148)
files_only  # unused function (tests/conftest.py:174)
files_only  # unused variable (tests/app/test_app.py:153)
_.switch_language  # unused method (tests/app/test_app_state_machine.py:86)
_.choose_clock  # unused method (tests/app/test_app_state_machine.py:91)
_.choose_frame  # unused method (tests/app/test_app_state_machine.py:96)
_.choose_step_and_speed  # unused method (tests/app/test_app_state_machine.py:101)
_.toggle_layer  # unused method (tests/app/test_app_state_machine.py:107)
_.emphasis_window  # unused method (tests/app/test_app_state_machine.py:113)
_.time_button  # unused method (tests/app/test_app_state_machine.py:118)
_.slider_day  # unused method (tests/app/test_app_state_machine.py:122)
_.browser_sends_a_stale_label  # unused method (tests/app/test_app_state_machine.py:128)
_.story_step  # unused method (tests/app/test_app_state_machine.py:151)
_.pick_item  # unused method (tests/app/test_app_state_machine.py:158)
_.add_own_file  # unused method (tests/app/test_app_state_machine.py:165)
_.remove_own_file  # unused method (tests/app/test_app_state_machine.py:172)
_.labels_are_in_the_chosen_language  # unused method (tests/app/test_app_state_machine.py:178)
_.count_matches_the_as_of_date  # unused method (tests/app/test_app_state_machine.py:186)
_.the_url_opens_the_same_view  # unused method (tests/app/test_app_state_machine.py:206)
test_analyst_sessions  # unused variable (tests/app/test_app_state_machine.py:232)
files_only  # unused variable (tests/data/test_story.py:226)
files_only  # unused variable (tests/app/test_upload_panel.py:130)

# Set for a library that reads them: expat's handlers, psycopg's connection settings, python-pptx and matplotlib attributes, a stub module's class
_.StartDoctypeDeclHandler  # unused attribute (rkmap/data/_kml.py:184)
_.EntityDeclHandler  # unused attribute (rkmap/data/_kml.py:185)
_.StartElementHandler  # unused attribute (rkmap/data/_kml.py:186)
_.EndElementHandler  # unused attribute (rkmap/data/_kml.py:187)
_.read_only  # unused attribute (rkmap/data/postgis.py:300)
_.isolation_level  # unused attribute (rkmap/data/postgis.py:301)
_.xyann  # unused attribute (rkmap/render/image.py:1527)
_.slide_height  # unused attribute (rkmap/render/slides.py:152)
_.slide_width  # unused attribute (rkmap/render/slides.py:152)
_.language  # unused attribute (rkmap/render/slides.py:154)
_.word_wrap  # unused attribute (rkmap/render/slides.py:160)
_.space_after  # unused attribute (rkmap/render/slides.py:164)
_.GeoGraph  # unused attribute (scripts/build_routes.py:401)

# multiprocessing reads these hooks of its spawn module; the prelude replaces them (rkmap/data/_worker_prelude.py)
_._fixup_main_from_path
_._fixup_main_from_name

# A callback's signature (blinker passes the sender) and a probe's marker attribute
sender  # unused variable (devtools/script_probe/sitecustomize.py:25)
_._script_probe  # unused attribute (devtools/script_probe/sitecustomize.py:34)

# st.cache_data hashes only arguments without a leading underscore: the folder's signature is in the cache key so a changed file is read again
signature  # unused variable (rkmap/app/upload_panel.py:69)

# A record field of the GSHHG reader, kept to mirror the file format
poly_id  # unused variable (scripts/_gshhg.py:47)

# numpy reads this flag: the cached arrays are made read-only, so one caller cannot change what another gets
writeable  # unused attribute (rkmap/render/areas.py)

# pickle.Pickler calls it for each object it pickles (the load worker's answer: Arrow columns sent as their chunks)
_.reducer_override  # unused method (rkmap/data/load_worker.py)
