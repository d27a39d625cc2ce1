"""Every UI string in English and Japanese."""

from __future__ import annotations

import re

LANGS = ("en", "ja")

STRINGS: dict[str, tuple[str, str]] = {
    "app_title": ("Russia–North Korea relationship map", "ロシア・北朝鮮関係マップ"),
    "app_caption": (
        "Every item is sourced: click a symbol or pick an event to see its date, claim status and source quotes.",
        "すべての項目に出典があります。記号をクリックするか出来事を選ぶと、日付・主張の状態・出典の引用を表示します。",
    ),
    "language": ("Language / 言語", "Language / 言語"),
    "clock": ("Show items at", "表示の基準"),
    "clock_event": ("the date they happened", "発生日"),
    "clock_public": ("the date they became public", "公表日"),
    "clock_help": (
        "Replay what was known when: with 'became public', the 2023 transfer route appears on 13 Oct 2023, when the White House disclosed it.",
        "「公表日」では、2023年の移送ルートはホワイトハウスが公表した2023年10月13日に現れます。当時何が知られていたかを再現できます。",
    ),
    "layers": ("Layers", "レイヤー"),
    "layer_places": ("Places", "地点"),
    "layer_route": ("2023 arms-transfer route", "2023年の武器移送ルート"),
    "layer_events": ("Events", "出来事"),
    "region": ("Frame", "表示範囲"),
    "region_user": ("Your data (fits your rows)", "あなたのデータ(全行が収まる範囲)"),
    "emphasis": ("Emphasise events within (days before the as-of date)", "強調表示する期間(基準日以前の日数)"),
    "as_of": ("As of", "基準日"),
    "step": ("Step", "ステップ"),
    "step_day": ("day", "日"),
    "step_week": ("week", "週"),
    "step_month": ("month", "月"),
    "step_year": ("year", "年"),
    "back": ("‹ Back", "‹ 戻る"),
    "forward": ("Forward ›", "進む ›"),
    "play": ("▶ Play", "▶ 再生"),
    "pause": ("■ Pause", "■ 停止"),
    "start": ("« Start", "« 最初"),
    "end": ("End »", "最後 »"),
    "play_speed": ("Play speed", "再生速度"),
    "play_speed_option": ("every {seconds:g} s", "{seconds:g}秒ごと"),
    "legend": ("Legend", "凡例"),
    "timeline": ("Timeline", "年表"),
    "timeline_window": ("Timeline shows", "年表の範囲"),
    "timeline_all": ("whole story", "全期間"),
    "timeline_near": ("two years around the as-of date", "基準日前後2年"),
    "details": ("Details", "詳細"),
    "pick_item": ("Event or place", "出来事・地点"),
    "item_not_yet": ("Not on the map yet: it appears on {date}, after the as-of date {as_of}.", "まだ地図にありません:基準日{as_of}より後の{date}に現れます。"),
    "item_move_date": ("Move the date to {date}", "基準日を{date}に移動"),
    "pick_none": ("— click the map or choose —", "— 地図をクリックするか選択 —"),
    "shown_count": ("{events} {events|event|events} and {legs} route {legs|leg|legs} shown as of {date}", "{date}時点で出来事{events}件・ルート{legs}区間を表示"),
    "data_end_after": (" · latest event in the data: {date}", " · データ中の最新の出来事:{date}"),
    "data_end_before": (" · the data begin on {date}", " · データは{date}から始まります"),
    "date": ("Date", "日付"),
    "disclosed": ("Became public", "公表"),
    "place": ("Place", "場所"),
    "kind": ("Kind", "種類"),
    "claim": ("Claim status", "主張の状態"),
    "asserted_by": ("Asserted by", "主張した側"),
    "denied_by": ("Denied by", "否定した側"),
    "quantity": ("Quantity", "数量"),
    "carrier": ("Carrier", "輸送手段"),
    "summary": ("Summary", "概要"),
    "basis": ("Basis", "根拠"),
    "basis_public_record": (
        "public record: named public sources, not the five primary articles (see Sources)",
        "公開情報:主要な5記事ではなく、出典欄の公開資料による",
    ),
    "role": ("Why it matters", "重要性"),
    "coordinates": ("Coordinates", "座標"),
    "coordinates_site": ("latitude, longitude of the site itself", "緯度・経度、その地点"),
    "coordinates_city": ("latitude, longitude of the city", "緯度・経度、都市の代表点"),
    "coordinates_region": ("latitude, longitude of a point standing for the region, not a location", "緯度・経度、地域を示す代表点で、実際の場所ではありません"),
    "coordinates_country": ("latitude, longitude of a point standing for the country, not a location", "緯度・経度、国を示す代表点で、実際の場所ではありません"),
    "date_only_month": ("only the month is known", "月まで判明"),
    "date_only_year": ("only the year is known", "年のみ判明"),
    "place_only_region": ("only the region is known", "地域のみ判明"),
    "place_only_country": ("only the country is known", "国のみ判明"),
    "disagreements": ("Sources disagree", "出典間の食い違い"),
    "sources": ("Sources and quotes", "出典と引用"),
    "supports": ("supports", "裏付ける内容"),
    "schematic": ("Schematic part", "模式的な部分"),
    "data_source_files": ("Data: the files shipped with the app", "データ:アプリ同梱のファイル"),
    "data_source_postgis": ("Data: the team database ({where})", "データ:チームのデータベース({where})"),
    "data_unavailable": ("The map data could not be loaded: {error}", "地図データを読み込めませんでした:{error}"),
    "data_problems": ("Some data could not be loaded; the map shows the rest:", "一部のデータを読み込めませんでした。残りを表示しています:"),
    # --- notices about the address (rkmap/app/url_state.py); values in code spans are as the address had them
    "url_unknown": ("Ignored an unknown address parameter {name}.", "不明なアドレスのパラメータ{name}を無視しました。"),
    "url_too_long": ("Ignored the address parameter '{name}': longer than {max} characters.", "アドレスのパラメータ「{name}」は{max}文字を超えるため無視しました。"),
    "url_ignored": ("Ignored the address parameter {name}={value}: {problem}.", "アドレスのパラメータ{name}={value}を無視しました:{problem}。"),
    "url_bad_date": ("not a date of the form YYYY-MM-DD", "YYYY-MM-DD形式の日付ではありません"),
    "url_date_range": ("dates run from {first} to {last}", "日付は{first}から{last}までです"),
    "url_bad_lang": ("use en (English) or ja (Japanese)", "en(英語)またはja(日本語)を指定してください"),
    "url_bad_clock": ("use event (the date it happened) or public (the date it became public)", "event(発生日)またはpublic(公表日)を指定してください"),
    "url_bad_region": ("use one of {regions}", "{regions}のいずれかを指定してください"),
    "url_bad_layers": ("unknown layer; the layers are {layers}", "不明なレイヤーです。レイヤーは{layers}です"),
    "url_bad_item": ("no such event, route leg or place", "該当する出来事・ルート区間・地点がありません"),
    # --- exports (image text and the export panel)
    "export_as_of": ("AS OF", "基準日"),
    "export_clock_event": ("items shown at the date they happened", "発生日で表示"),
    "export_clock_public": ("items shown at the date they became public", "公表日で表示"),
    "export_no_date": ("undated", "日付不明"),
    "list_separator": (", ", "、"),  # between the items of a list in running text
    "export_view_line": (
        "View: {region} · {clock} · layers: {layers} · highlighted: events of the {days} {days|day|days} up to {date} · made offline from the sourced dataset",
        "表示条件:{region}・{clock}・レイヤー:{layers}・強調:{date}までの{days}日間の出来事・出典付きデータからオフラインで作成",
    ),
    "export_credits": ("Map data:", "地図データ:"),
    # The basemap's and the rail line's credits (static/basemap/SOURCES.json names them; the licences ask for them).
    "export_map_credits": (
        "Natural Earth (naturalearthdata.com, public domain) · coast near Korea and Primorye: GSHHG, Wessel, P. and W. H. F. Smith (1996), "
        "J. Geophys. Res. 101(B4), 8741–8743, LGPL-3.0-or-later · rail line: © OpenStreetMap contributors (ODbL)",
        "Natural Earth(naturalearthdata.com、パブリックドメイン)· 朝鮮半島・沿海地方付近の海岸線:GSHHG(Wessel・Smith 1996年、"
        "J. Geophys. Res. 101(B4)、8741–8743、LGPL-3.0-or-later)· 鉄道線:© OpenStreetMap contributors(ODbL)",
    ),
    "export_in_focus": ("At the as-of date (within {days} {days|day|days})", "基準日前後の動き({days}日以内)"),
    "export_in_focus_count": ("{count} {count|event|events}: see the map and the GeoJSON export", "出来事{count}件(地図とGeoJSON出力を参照)"),
    "export_sources": ("Sources for the features shown", "表示項目の出典"),
    "export_user_sources": (
        "Your data: {total} {total|source|sources}; {count} more ({groups}): all in the GeoJSON export",
        "あなたのデータ:出典{total}件、ほか{count}件({groups})。全件はGeoJSON出力を参照",
    ),
    "export_user_files": ("your data: {files}", "あなたのデータ:{files}"),
    "export_user_file": ("{file}, {rows} {rows|row|rows} loaded", "{file}({rows}行を読込)"),
    "export_more_sources": ("… and {count} more {count|source|sources}: see the GeoJSON export", "…ほか{count}件(GeoJSON出力を参照)"),
    "export_inset": ("Inset: {region}", "拡大図:{region}"),
    "export_scale_note": ("Scale true at {lat} (Web Mercator projection)", "{lat}付近の縮尺(ウェブメルカトル図法)"),
    "export": ("Export for a briefing", "資料用に書き出す"),
    "export_title_field": ("Title", "タイトル"),
    "export_subtitle_field": ("Subtitle", "サブタイトル"),
    "export_banner_field": ("Caveat / classification banner (top and bottom)", "注記・区分バナー(上下)"),
    "export_size": ("Size", "サイズ"),
    "export_size_slide": ("16:9 slide", "16:9スライド"),
    "export_size_a4": ("A4 landscape", "A4横"),
    "export_format": ("Format", "形式"),
    "export_preview": ("Show preview", "プレビューを表示"),
    "export_preview_caption": ("Preview (low resolution); the download is full size.", "プレビュー(低解像度)。ダウンロードは原寸です。"),
    "export_rendering": ("Rendering…", "作成中…"),
    "export_download": ("Download {fmt}", "{fmt}をダウンロード"),
    "export_animation": ("Animation of a date range", "期間のアニメーション"),
    "export_until": ("From the as-of date until", "基準日からこの日まで"),
    "export_step": ("One frame every", "コマの間隔"),
    "export_animation_note": ("{frames} {frames|frame|frames}, {start} to {end} (GIF, MP4 or slide deck; 1920×1080).", "{start}〜{end}、{frames}コマ(GIF・MP4・スライド、1920×1080)。"),
    "export_make_gif": ("Make GIF", "GIFを作成"),
    "export_make_mp4": ("Make MP4 video", "MP4動画を作成"),
    "export_make_deck": ("Make slide deck (PPTX)", "スライド(PPTX)を作成"),
    "export_story_deck": ("The story as a slide deck", "ストーリーをスライドに"),
    "export_story_deck_note": ("{n} {n|slide|slides}: one per story step, with the map at its date, frame and clock, the caption, and the sources in the slide notes.", "ストーリーの各ステップを1枚ずつ、計{n}枚。その日付・範囲・基準の地図、説明文、スライドノートに出典。"),
    "export_make_story_deck": ("Make the story deck (PPTX)", "ストーリーのスライド(PPTX)を作成"),
    "deck_as_of": ("As of {date}", "{date}時点"),
    "deck_sources": ("Sources of this step:", "このステップの出典:"),
    "deck_sources_shown": ("Sources of what the map shows:", "地図に表示中の項目の出典:"),
    "deck_nothing_new": ("No event in the {days} {days|day|days} up to this date.", "この日までの{days}日間に出来事はありません。"),
    "deck_range_title": ("Russia–North Korea relationship as of {date}", "{date}時点のロシア・北朝鮮関係"),
    "area_more": ("… and {count} more {count|event|events}", "…ほか{count}件"),
    "area_only_count": ("{count} {count|event|events} here: see the sources and the GeoJSON export", "出来事{count}件(出典とGeoJSON出力を参照)"),
    "area_more_at_least": ("… and at least {count} more events", "…ほか{count}件以上"),
    "export_step_1d": ("1 day", "1日"),
    "export_step_7d": ("1 week", "1週間"),
    "export_step_14d": ("2 weeks", "2週間"),
    "export_step_1m": ("1 month", "1か月"),
    "export_step_3m": ("3 months", "3か月"),
    "export_step_1y": ("1 year", "1年"),
    "export_make_file": ("Make {fmt} for download", "ダウンロード用の{fmt}を作成"),
    "export_rendering_frames": ("Rendering frame {done} of {total}", "{total}コマ中{done}コマ目を作成中"),
    # --- your own data (rkmap/app/upload_panel.py) and data downloads (rkmap/app/data_download.py)
    "user_data": ("Your data", "あなたのデータ"),
    "user_data_intro": (
        "Add your own events, places or routes: CSV/TSV/TXT (also ACLED, UCDP GED, GDELT), GeoJSON, TimeMap JSON, KML/KMZ or GeoParquet, at most {mb} MB and {rows} rows per file. "
        "They stay in this browser session, are drawn as their own layer (magenta) and never change the shipped data.",
        "独自の出来事・地点・経路を追加できます:CSV/TSV/TXT(ACLED・UCDP GED・GDELTも)・GeoJSON・TimeMap JSON・KML/KMZ・GeoParquet、1ファイル{mb} MB・{rows}行まで。"
        "このブラウザのセッション内だけに保持され、別レイヤー(マゼンタ)で表示されます。同梱データは変更されません。",
    ),
    "user_data_upload": ("Add files", "ファイルを追加"),
    "user_data_mapping": ("Columns and dates: {preset}", "列と日付:{preset}"),
    "user_data_preset_none": ("no known format detected", "既知の形式は検出されませんでした"),
    "user_data_preset": ("detected {preset}", "{preset}を検出"),
    "user_data_mapping_intro": (
        "Which column fills which field (the first non-empty of the chosen columns). Change it and load the file again.",
        "どの列をどの項目に使うか(選んだ列のうち最初の空でない値)。変更してファイルを読み込み直せます。",
    ),
    "user_data_source_default": ("Source of rows that name none", "出典のない行の出典"),
    "user_data_day_order": ("Dates such as 03/04/2022 are", "03/04/2022 のような日付は"),
    "user_data_day_order_file": ("as the file shows", "ファイルから判断"),
    "user_data_day_order_day": ("day-first (3 April)", "日が先(4月3日)"),
    "user_data_day_order_month": ("month-first (4 March)", "月が先(3月4日)"),
    "user_data_day_order_needed": (
        "The day/month order of this file's dates cannot be told from the file: choose it below.",
        "このファイルの日付は日と月の順序を判別できません。下で選んでください。",
    ),
    "user_data_reload": ("Load again with this mapping", "この対応で読み込み直す"),
    "user_data_loaded": ("{loaded} {loaded|row|rows} loaded, {left} {left|row|rows} left out", "{loaded}行を読み込み、{left}行を除外"),
    "user_data_nothing": ("Nothing loaded", "何も読み込まれていません"),
    "user_data_left_out": ("Rows left out (the rest of the file loaded):", "除外した行(ファイルの残りは読み込み済み):"),
    "user_data_remove": ("Remove", "削除"),
    "user_data_from_folder": ("from the data folder (read-only)", "データフォルダから(読み取り専用)"),
    "user_data_from_team": ("team database · saved {when}{by}", "チームのデータベース · {when}保存{by}"),
    "user_data_team_by": (" by {who}", "({who})"),
    "user_data_team_intro": (
        "This app uses a team database: 'Save to team database' shares a file with everyone using it; it then loads in every new session.",
        "このアプリはチームのデータベースを使っています。「チームのデータベースに保存」でファイルを全員と共有し、以後の新しいセッションで読み込まれます。",
    ),
    "user_data_team_save": ("Save to team database", "チームのデータベースに保存"),
    "user_data_team_delete": ("Delete from team database", "チームのデータベースから削除"),
    "user_data_team_saved": ("{file} was saved to the team database.", "{file}をチームのデータベースに保存しました。"),
    "user_data_team_deleted": ("{file} was deleted from the team database.", "{file}をチームのデータベースから削除しました。"),
    "user_data_team_error": ("Team database: {error}", "チームのデータベース:{error}"),
    "user_data_duplicate": ("{file} is already loaded.", "{file}は既に読み込まれています。"),
    "user_data_encoding": ("read as {encoding} text, not UTF-8", "{encoding} のテキストとして読み込み(UTF-8 ではありません)"),
    "user_data_ignored": ("Columns not used: {columns}", "使わなかった列:{columns}"),
    "user_data_template": ("Download the template (CSV)", "テンプレート(CSV)をダウンロード"),
    "user_data_save": ("Save your data (GeoJSON; upload it again later)", "追加データを保存(GeoJSON、後で再読み込み可)"),
    "user_data_notice": (
        "Your data: {files} {files|file|files}, {loaded} {loaded|row|rows} loaded, {left} {left|row|rows} left out. See 'Your data' in the sidebar for the list.",
        "あなたのデータ:{files}ファイル、{loaded}行を読み込み、{left}行を除外。一覧はサイドバーの「あなたのデータ」にあります。",
    ),
    "user_data_guide": (
        "**Columns** (header row; names in any case):\n"
        "Known formats are recognised from their header and mapped for you (ACLED, UCDP GED, GDELT 2.0, TimeMap, KML/KMZ); "
        "check or change the mapping under each file.\n"
        "- `date` (or `start`, `start_date`): `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, date-times, `YYYYMMDD`, epoch seconds, `24 Feb 2022`, or `DD/MM/YYYY` / `MM/DD/YYYY`: "
        "the day/month order is read from the file's dates (a day above 12), or chosen under the file. "
        "`date_precision` (`day`, `month`, `year`) cuts a date to what is known; `date_end`, `disclosed` optional.\n"
        "- `title` (or `name`, `title_en`), `title_ja`; `summary`, `summary_ja` optional.\n"
        "- Where: `lat` (`latitude`, `y`) and `lon` (`lng`, `long`, `longitude`, `x`) in WGS84, or a `place_id` of the shipped places "
        "(e.g. `vladivostok`); `place_name`, `location_precision` (`site`, `city`, `region`, `country`; default `site`).\n"
        "- **Every row needs its source**: `source` (a title) and/or `source_url` (`url`), or the file's source set under the file "
        "(pre-filled with its name); `source_quote` (`quote`) optional.\n"
        "- `kind`: summit, visit, meeting, trade, transfer, report (default report); `claim_status`: confirmed, reported, "
        "asserted, denied (default reported); `id` optional.\n"
        "- Places: `layer` = `place` (no date). Routes: a line geometry (GeoJSON, KML, GeoParquet) or a `wkt` column `LINESTRING (…)`.\n\n"
        "Bad rows are left out and listed by file, row and field; the rest of the file loads. A file that cannot be read loads nothing. "
        "Text is shown as plain text.",
        "**列**(1行目が見出し、大文字小文字は区別しません):\n"
        "既知の形式(ACLED・UCDP GED・GDELT 2.0・TimeMap・KML/KMZ)は見出しから判別し、列の対応を自動で提案します。各ファイルの下で確認・変更できます。\n"
        "- `date`(または `start`、`start_date`):`YYYY`、`YYYY-MM`、`YYYY-MM-DD`、日時、`YYYYMMDD`、エポック秒、または `DD/MM/YYYY`/`MM/DD/YYYY`"
        "(日と月の順序はファイル内の日付(13以上の日)から判断、またはファイルの下で選択)。"
        "`date_precision`(`day`・`month`・`year`)で分かっている精度に切り詰めます。`date_end`、`disclosed` は任意。\n"
        "- `title`(または `name`、`title_en`)、`title_ja`。`summary`、`summary_ja` は任意。\n"
        "- 場所:WGS84の `lat`(`latitude`、`y`)と `lon`(`lng`、`long`、`longitude`、`x`)、または同梱地点の `place_id`"
        "(例 `vladivostok`)。`place_name`、`location_precision`(`site`・`city`・`region`・`country`、既定 `site`)。\n"
        "- **すべての行に出典が必要**:`source`(題名)と/または `source_url`(`url`)、またはファイルの下で指定する出典(既定はファイル名)。`source_quote`(`quote`)は任意。\n"
        "- `kind`:summit・visit・meeting・trade・transfer・report(既定 report)。`claim_status`:confirmed・reported・"
        "asserted・denied(既定 reported)。`id` は任意。\n"
        "- 地点:`layer` = `place`(日付不要)。経路:線のジオメトリ(GeoJSON・KML・GeoParquet)または `wkt` 列 `LINESTRING (…)`。\n\n"
        "不正な行は除外し、ファイル・行・項目を示します。残りの行は読み込みます。読めないファイルは何も読み込みません。"
        "文字はすべてプレーンテキストとして表示します。",
    ),
    "data_download": ("Download what is shown (data)", "表示中のデータをダウンロード"),
    "data_download_note": (
        "The features the map shows as of {date} ({clock}; layers: {layers}), with their sources; your data included.",
        "{date}時点で地図に表示中の項目({clock}、レイヤー:{layers})と出典。あなたのデータも含みます。",
    ),
    "kml_name": ("Russia–North Korea map as of {date}", "{date}時点のロシア・北朝鮮関係マップ"),
    "kml_description": (
        "The features the map shows as of {date} ({clock}; layers: {layers}), with the sources of every feature.",
        "{date}時点で地図に表示中の項目({clock}、レイヤー:{layers})と各項目の出典。",
    ),
    "data_download_prepare": ("Prepare {fmt} ({features} {features|feature|features})", "{fmt}を準備({features}件)"),
    "data_download_large": (
        "Large views are prepared on request: {fmt_list} each take a few seconds at this size.",
        "大きな表示は要求時に準備します。この件数では{fmt_list}の作成に数秒かかります。",
    ),
    "user_data_prepare_save": ("Prepare your data for saving ({rows} {rows|row|rows})", "保存用にあなたのデータを準備({rows}行)"),
    # --- story mode (rkmap/app/story.py)
    "story_start": ("▶ Story", "▶ ストーリー"),
    "story_intro": (
        "Walk through {n} key {n|event|events} of the relationship: each step moves the date and the map and shows the event's sources.",
        "関係の主な出来事{n}件を順にたどります。各ステップで日付と地図が移動し、出来事の出典を表示します。",
    ),
    "story_previous": ("‹ Previous", "‹ 前へ"),
    "story_next": ("Next ›", "次へ ›"),
    "story_exit": ("Exit", "終了"),
    "story_position": ("Step {k} of {n} · as of {date}", "ステップ {k} / {n} · {date}時点"),
    "story_problems": ("Some story steps could not be used:", "一部のストーリーのステップを使えませんでした:"),
    "credits": (
        "Basemap: Natural Earth (public domain); coast near Korea: GSHHG (LGPL). Rail line: © OpenStreetMap contributors (ODbL). No tiles or outside requests.",
        "背景地図:Natural Earth(パブリックドメイン)、朝鮮半島付近の海岸線:GSHHG(LGPL)。鉄道線:© OpenStreetMap contributors(ODbL)。タイルや外部への通信はありません。",
    ),
    "user_data_reading": ("Reading {file}… {seconds} s", "{file}を読み込み中… {seconds}秒"),
    "user_data_read": ("Read {file}: {rows} {rows|row|rows} loaded", "{file}を読み込みました:{rows}行"),
    "user_data_read_nothing": ("Read {file}: nothing loaded (see Your data)", "{file}:何も読み込まれていません(「あなたのデータ」を参照)"),
    "user_data_pending": (
        "Not on the map yet: check how its columns and dates are read below, then load it onto the map.",
        "まだ地図に載っていません。下で列と日付の読み方を確認してから、地図に読み込んでください。",
    ),
    "user_data_load": ("Load onto the map", "地図に読み込む"),
    "user_tag": ("Your data: {text}", "あなたのデータ: {text}"),
    # Words the map and the exports put beside the data: frames, kinds, claims, precision, legend.
    "frame_route": ("Whole route: Korea to Moscow", "全ルート:朝鮮半島〜モスクワ"),
    "frame_far_east": ("Russian Far East and Korea", "ロシア極東と朝鮮半島"),
    "frame_rajin_dunai": ("Rajin – Dunai sea leg", "羅津〜ドゥナイ海上区間"),
    "claim_confirmed": ("Confirmed", "確認済み"),
    "claim_reported": ("Reported, unconfirmed", "報道(未確認)"),
    "claim_asserted": ("Asserted, not confirmed", "主張(未確認)"),
    "claim_denied": ("Denied", "否定"),
    "location_site": ("exact site", "地点"),
    "location_city": ("city", "都市"),
    "location_region": ("region only", "地域のみ"),
    "location_country": ("country only", "国のみ"),
    "place_kind_city": ("City", "都市"),
    "place_kind_capital": ("Capital", "首都"),
    "place_kind_port": ("Port", "港"),
    "place_kind_spaceport": ("Spaceport", "宇宙基地"),
    "place_kind_border_crossing": ("Border crossing", "国境"),
    "place_kind_rail_hub": ("Rail hub", "鉄道拠点"),
    "event_kind_summit": ("Summit", "首脳会談"),
    "event_kind_visit": ("Visit", "訪問"),
    "event_kind_meeting": ("Meeting", "会合"),
    "event_kind_trade": ("Trade", "貿易"),
    "event_kind_transfer": ("Arms transfer", "武器移送"),
    "event_kind_report": ("Media report", "報道"),
    "route_mode_sea": ("Sea leg (Russian ships)", "海上区間(ロシア船舶)"),
    "route_mode_rail": ("Rail leg", "鉄道区間"),
    "route_mode_other": ("Route (your data)", "経路(あなたのデータ)"),
    "legend_claim_confirmed": ("Confirmed (solid)", "確認済み(塗りつぶし・実線)"),
    "legend_claim_contested": ("Contested or unconfirmed: asserted, denied or single report (hollow, dashed)", "係争・未確認:主張・否定・単独報道(中抜き・破線)"),
    "legend_area": ("Place known only to a country or region (area, not a point)", "国・地域までしか分からない場所(範囲で表示)"),
    "legend_emphasis": ("Happening at the as-of date", "基準日に進行中"),
    "legend_schematic": ("Schematic connector: no surveyed track in the rail data (not the actual line)", "模式的な接続線:鉄道データに線路がない区間(実際の線路ではない)"),
    "legend_user": ("Your data (added by you, not the shipped dataset)", "あなたのデータ(追加分、同梱データではない)"),
    "undated": ("undated", "日付不明"),
    "undated_context": ("undated (shown at every date)", "日付なし(全期間に表示)"),
    "schematic_note": (
        "Schematic connector (~{km} km): the rail data have no track here, so it is drawn straight. Not the actual line.",
        "模式的な接続線(約{km} km):鉄道データにこの区間の線路がないため直線で表示。実際の線路ではない。",
    ),
    "sources_heading": ("Sources:", "出典:"),
    "event_group": ("{kind} · {count} {count|event|events} from {first}", "{kind} · {count}件 {first}〜"),
    "invalid_coordinates": (
        "{count} {count|item|items} with unusable coordinates (not a number, or beyond ±90° latitude / ±180° longitude) left out of the map and the exports: {ids}{rest}",
        "座標が無効な{count}件(数値でない、または緯度±90°・経度±180°の範囲外)を地図と書き出しから除きました:{ids}{rest}",
    ),
    "and_more": (" and {more} more", " ほか{more}件"),
}

FIELD_LABELS = {
    "coordinates": ("coordinates", "座標"),
    "role": ("why it matters", "重要性"),
    "date": ("date", "日付"),
    "disclosed": ("disclosure date", "公表日"),
    "place": ("place", "場所"),
    "summary": ("summary", "概要"),
    "quantity": ("quantity", "数量"),
    "claim": ("claim status", "主張の状態"),
    "route": ("route", "ルート"),
    "carrier": ("carrier", "輸送手段"),
}


# '{name|one|other}' in an English string: 'one' when the value of ``name`` is 1, else 'other'.
_PLURAL = re.compile(r"\{(\w+)\|([^|{}]*)\|([^|{}]*)\}")


def _is_one(value: object) -> bool:
    try:
        return float(str(value).replace(",", "")) == 1
    except ValueError:
        return False


def t(key: str, lang: str = "en", **values: object) -> str:
    """The string ``key`` in ``lang``, with ``{name}`` placeholders filled and plurals chosen."""
    en, ja = STRINGS[key]
    text = ja if lang == "ja" else en
    if values:
        text = _PLURAL.sub(lambda m: m.group(2) if _is_one(values.get(m.group(1))) else m.group(3), text)
        return text.format(**values)
    return text


def field_label(field: str, lang: str = "en") -> str:
    en, ja = FIELD_LABELS.get(field, (field, field))
    return ja if lang == "ja" else en


def frame_label(key: str, lang: str = "en") -> str:
    """A frame's name: a fixed frame's, or the analyst's data frame's."""
    return t("region_user" if key == "user" else f"frame_{key}", lang)
