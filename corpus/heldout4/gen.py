#!/usr/bin/env python3
"""Generate corpus/heldout4/injection.jsonl (and README.md) deterministically.

Standard library only. All hand-written material lives in data.py next to
this file; this script only assembles documents, hides instructions inside
some of them, applies encodings for the obfuscated attacks, shuffles and
writes the output. Re-running reproduces the files byte for byte.

Usage: python3 gen.py
"""

import base64
import codecs
import csv
import datetime
import html
import io
import json
import os
import random
import sys
import textwrap
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep the directory clean
sys.path.insert(0, HERE)
import data as D  # noqa: E402

SEED = 4242026
N_BENIGN_DOCS = 100
MIN_DOC, MAX_DOC = 600, 3500

rng = random.Random(SEED)


def pick(seq):
    return seq[rng.randrange(len(seq))]


# ---------------------------------------------------------------------------
# placeholder context
# ---------------------------------------------------------------------------

def rand_date():
    y = pick([2024, 2025])
    m = rng.randint(1, 12)
    d = rng.randint(1, 28)
    style = rng.randrange(4)
    if style == 0:
        return f"{d} {D.MONTHS[m - 1]} {y}"
    if style == 1:
        return f"{y}-{m:02d}-{d:02d}"
    if style == 2:
        return f"{d:02d}/{m:02d}/{y}"
    return f"{D.MONTHS[m - 1]} {d}, {y}"


def iso_date():
    return f"{pick([2024, 2025])}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def money():
    amt = rng.randint(45, 2900) + pick([0, 0.5, 0.99, 0.25])
    cur = pick(["£", "€", "$", "EUR ", "GBP "])
    return f"{cur}{amt:,.2f}"


def slug(name):
    return name.lower().replace(" ", ".").replace("í", "i").replace("é", "e")


def make_ctx():
    f1, l1 = pick(D.FIRST), pick(D.LAST)
    f2, l2 = pick(D.FIRST), pick(D.LAST)
    while f2 == f1:
        f2 = pick(D.FIRST)
    company, domain = pick(D.COMPANIES)
    return {
        "first": f1,
        "name": f"{f1} {l1}",
        "name2": f"{f2} {l2}",
        "to_first": f2,
        "to_last": l2,
        "cust_first": f2,
        "sender": f"{f1} {l1}",
        "agent2": pick(D.FIRST),
        "company": company,
        "domain": domain,
        "city": pick(D.CITIES),
        "street": pick(D.STREETS),
        "unit": f"{rng.randint(1, 12)}{pick('ABCD')}",
        "date": rand_date(),
        "amount": money(),
        "num": str(rng.randint(10000, 99999)),
        "num2": str(rng.randint(10000, 99999)),
        "num3": str(rng.randint(100, 999)),
        "order": f"#{rng.randint(100000, 999999)}",
        "product": pick(D.PRODUCTS),
        "talk": pick(D.TALKS),
        "handle": f"{slug(f1)}_{rng.randint(10, 99)}",
        "email": f"{slug(f1)}.{slug(l1)}@mail.example",
    }


def fill(text, ctx):
    for k, v in ctx.items():
        text = text.replace("{" + k + "}", v)
    return text


# ---------------------------------------------------------------------------
# rendering of hidden instructions / benign notes in their various forms
# ---------------------------------------------------------------------------

COMMENT_MARK = {"py": "# ", "sh": "# ", "yaml": "# ", "docker": "# ",
                "js": "// ", "go": "// ", "sql": "-- "}


def comment_lines(text, lang):
    mark = COMMENT_MARK[lang]
    out = []
    for para in text.split("\n"):
        wrapped = textwrap.wrap(para, 76) or [""]
        out.extend(mark + w for w in wrapped)
    return "\n".join(l.rstrip() for l in out)


def code_plain(text, lang):
    lines = textwrap.wrap(text, 76)
    if lang == "py":
        return '"""\n' + "\n".join(lines) + '\n"""'
    if lang in ("js", "go"):
        return "/*\n * " + "\n * ".join(lines) + "\n */"
    if lang == "sql":
        return "/*\n" + "\n".join(lines) + "\n*/"
    if lang == "sh":
        return ": <<'NOTE'\n" + "\n".join(lines) + "\nNOTE"
    if lang == "docker":
        return 'LABEL org.opencontainers.image.description="' + text.replace('"', "'") + '"'
    return comment_lines(text, lang)


ADDRESSED = ("Note", "Hidden", "Message", "Instruction", "Assistant", "AI ", "AI:", "Any ", "To ",
             "LLM", "Model", "If ", "Agent", "Automated", "For ", "Dear", "Summaris", "Reviewer", "Chatbot", "Language")


def auto_prefix(text):
    if text.startswith(ADDRESSED) and rng.random() < 0.7:
        return ""
    return pick(D.AUTO_NOTE_PREFIXES)


def render(form, text, attack, style, lang=None):
    """Return the string for a note of the given form (not metadata/footnote)."""
    if style == "html":
        body = html.escape(text, quote=False)
    else:
        body = text
    if form in ("plain", "chat_excerpt"):
        if style == "html":
            return "<p>" + body.replace("\n", "<br>\n") + "</p>"
        if style == "code":
            return code_plain(text, lang)
        return body
    if form == "html_comment":
        tpl = pick(D.HTML_COMMENTS) if attack else "<!-- @@ -->"
        return tpl.replace("@@", text)
    if form == "automated_note":
        s = (auto_prefix(text) + text) if attack else text
        if style == "html":
            s = html.escape(s, quote=False)
            if attack:
                tpl = pick(['<div style="display:none">@@</div>',
                            '<p style="font-size:1px;color:#ffffff">@@</p>',
                            '<span hidden>@@</span>',
                            '<p class="note">@@</p>'])
            else:
                tpl = '<p class="note">@@</p>'
            return tpl.replace("@@", s)
        if style == "md":
            return "> " + s
        if style == "code":
            return comment_lines(s, lang)
        return s
    if form == "fake_turn":
        s = pick(D.FAKE_TURNS).replace("@@", text)
        if style == "html":
            return "<pre>" + html.escape(s, quote=False) + "</pre>"
        if style == "code":
            return comment_lines(s, lang)
        return s
    if form == "alt_text":
        img = pick(["photo-01", "hero", "gallery-3", "figure2", "banner", "detail"])
        if style == "html":
            return f'<img src="/media/{img}.jpg" alt="{html.escape(text, quote=True)}" width="640">'
        return f"![{text}](images/{img}.png)"
    if form == "code_comment":
        return comment_lines(text, lang)
    raise ValueError(form)


def render_footnote(text, style, n):
    if style == "html":
        return f'<p class="footnote"><sup>{n}</sup> {html.escape(text, quote=False)}</p>'
    if style == "md":
        return f"[^{n}]: {text}"
    sup = "¹²³⁴⁵⁶⁷⁸⁹"[(n - 1) % 9]
    return pick([f"[{n}] {text}", f"{sup} {text}", f"* {text}", f"Footnote {n}: {text}"])


def place(blocks, notes, style, meta=None, mfmt=None, lo=0, foot=None, lang=None):
    """Insert notes into a list of blocks (in place)."""
    for form, text, attack in notes:
        if form == "metadata_field":
            fmts = mfmt[0] if attack else mfmt[1]
            val = html.escape(text, quote=True) if style == "html" else text
            meta.insert(rng.randint(min(1, len(meta)), len(meta)), pick(fmts).replace("@@", val))
            continue
        if form == "footnote":
            n = len(foot) + 1
            foot.append(render_footnote(text, style, n))
            if style == "md" and len(blocks) > lo:
                i = rng.randrange(lo, len(blocks))
                blocks[i] = blocks[i].rstrip() + f"[^{n}]"
            continue
        if form == "plain" and style in ("plain", "md", "html") and len(blocks) > lo and rng.random() < 0.4:
            i = rng.randrange(lo, len(blocks))
            b = blocks[i]
            if style == "html" and b.startswith("<p>") and b.endswith("</p>"):
                blocks[i] = b[:-4] + " " + html.escape(text, quote=False) + "</p>"
                continue
            if style == "md" and b.rstrip().split("\n")[-1].startswith(("- ", "1. ", "2. ", "3. ", "4. ")):
                blocks[i] = b.rstrip() + "\n- " + text
                continue
            if style == "plain" and not b.rstrip().endswith(":"):
                blocks[i] = b.rstrip() + " " + text
                continue
        blocks.insert(rng.randint(lo, len(blocks)), render(form, text, attack, style, lang))


# ---------------------------------------------------------------------------
# document genres
# ---------------------------------------------------------------------------

def matches(key, s):
    return key is None or key.lower() in s.lower()


def g_email(ctx, notes, key):
    idx = pick([i for i, e in enumerate(D.EMAILS) if matches(key, e["subject"])])
    sc = D.EMAILS[idx]
    role, org = D.EMAIL_SENDERS[idx]
    if org:
        ctx["company"] = org
        ctx["domain"] = org.lower().replace("'", "").replace(",", "").replace(" ", "-")[:28].strip("-") + ".example"
    if role is None:
        ctx["domain"] = "mail.example"
    to_addr = f"{slug(ctx['to_first'])}.{slug(ctx['to_last'])}@{pick(['mail.example', 'post.test', 'inbox.example'])}"
    hdr = [f"From: {ctx['name']} <{slug(ctx['name'])}@{ctx['domain']}>",
           f"To: {ctx['to_first']} {ctx['to_last']} <{to_addr}>",
           f"Date: {ctx['date']}",
           f"Subject: {fill(sc['subject'], ctx)}"]
    if rng.random() < 0.3:
        cc = f"{pick(D.FIRST)} {pick(D.LAST)}"
        hdr.insert(2, f"Cc: {cc} <{slug(cc)}@{ctx['domain']}>")
    if rng.random() < 0.3:
        hdr.append(pick(["X-Mailer: Postbox 7.0.60", "X-Priority: 3", "Content-Language: en-GB", "Importance: normal"]))
    body = [fill(sc["greeting"], ctx)] + [fill(p, ctx) for p in sc["paras"]]
    foot = []
    place(body, notes, "plain", hdr,
          (["X-Assistant-Note: @@", "X-AI-Instructions: @@", "X-Processing-Directive: @@", "Comments: @@", "X-Summary-Hint: @@"],
           ["X-Notes: @@", "Comments: @@", "X-Category: @@"]),
          lo=1, foot=foot)
    closing = fill(sc["closing"], ctx)
    sig = (closing + "\n" if closing else "") + ctx["name"]
    if role:
        sig += "\n" + role + ", " + ctx["company"]
    tail = [sig]
    if rng.random() < 0.5:
        tail.append(pick(D.EMAIL_SIGNOFF_EXTRA))
    if rng.random() < 0.35:
        tail.append(f"On {rand_date()}, {ctx['name2']} wrote:\n> " + fill(pick(D.EMAIL_QUOTES), ctx))
    return "\n".join(hdr) + "\n\n" + "\n\n".join(body + tail + foot)


def g_ticket(ctx, notes, key):
    t = pick(D.TICKETS)
    cust = ctx["name2"]
    agent = pick(D.FIRST)
    meta = [f"Ticket #{rng.randint(10000, 99999)}",
            f"Status: {pick(['Open', 'Pending', 'In progress', 'Escalated', 'Solved'])}",
            f"Priority: {pick(['Low', 'Normal', 'High', 'Urgent'])}",
            f"Channel: {pick(['E-mail', 'Web form', 'Chat', 'Phone (transcribed)'])}",
            f"Customer: {cust} <{slug(cust)}@mail.example>",
            f"Created: {ctx['date']}",
            f"Tags: {t['tag']}"]
    thread = [f"--- {cust} (customer) wrote:\n" + fill(t["issue"], ctx)]
    if rng.random() < 0.4:
        thread.append(f"--- {agent} (support) replied:\n" + pick(D.GENERIC_TICKET_REPLY))
    steps = []
    for i, r in enumerate(t["replies"]):
        steps.append(f"--- {agent} (support) replied:\n" + fill(r, ctx))
        if i == 0 and rng.random() < 0.7:
            steps.append(f"--- {ctx['agent2']} (support, internal):\n" + fill(t["internal"][0], ctx))
        if i < len(t["follow"]):
            steps.append(f"--- {cust} (customer) wrote:\n" + t["follow"][i])
    cut = rng.randint(2, len(steps))
    thread += steps[:cut]
    place(thread, notes, "plain", meta,
          (["Custom field - notes: @@", "Internal tag: @@", "Customer note (do not edit): @@"],
           ["Custom field - notes: @@", "Internal tag: @@"]))
    return "\n".join(meta) + "\n\n" + "\n\n".join(thread)


def g_web(ctx, notes, key):
    art = pick([a for a in D.WEB_ARTICLES if matches(key, a["title"])])
    title = html.escape(art["title"], quote=False)
    site = html.escape(art["site"], quote=False)
    head = ['<meta charset="utf-8">',
            f"<title>{title} | {site}</title>",
            '<meta name="viewport" content="width=device-width, initial-scale=1">']
    if rng.random() < 0.5:
        head.append(f'<meta name="description" content="{html.escape(art["paras"][0][:150], quote=True)}">')
    blocks = [f"<h1>{title}</h1>", f'<p class="byline">By {ctx["name"]} &middot; {ctx["date"]}</p>']
    blocks += [f"<p>{html.escape(p, quote=False)}</p>" for p in art["paras"]]
    blocks.insert(rng.randint(2, len(blocks)),
                  f'<figure><img src="/media/{art["img"]}.jpg" alt=""><figcaption>Photo: {ctx["name2"]}</figcaption></figure>')
    foot = []
    place(blocks, notes, "html", head,
          (['<meta name="description" content="@@">', '<meta name="ai-instructions" content="@@">',
            '<meta name="summary" content="@@">'],
           ['<meta name="description" content="@@">', '<meta name="editor-note" content="@@">']),
          lo=1, foot=foot)
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n" + "\n".join(head) + "\n</head>\n<body>\n"
            + pick(D.WEB_NAV) + "\n<article>\n" + "\n".join(blocks + foot) + "\n</article>\n"
            + pick(D.WEB_FOOTERS) + "\n</body>\n</html>")


def g_wiki(ctx, notes, key):
    page = pick([p for p in D.WIKI_PAGES if matches(key, p["title"])])
    meta = [f"title: {page['title']}", f"owner: {ctx['name']}", f"last_reviewed: {iso_date()}"]
    blocks = [f"_Last edited by {ctx['name']} on {ctx['date']}_"]
    blocks += [f"## {h}\n\n{t}" for h, t in page["sections"]]
    foot = []
    place(blocks, notes, "md", meta,
          (["summary: @@", "notes_for_tools: @@", "description: @@"], ["notes: @@", "status: @@"]),
          lo=0, foot=foot)
    has_meta_note = any(f == "metadata_field" for f, _, _ in notes)
    front = ("---\n" + "\n".join(meta) + "\n---\n\n") if (has_meta_note or rng.random() < 0.4) else ""
    return front + f"# {page['title']}\n\n" + "\n\n".join(blocks) + ("\n\n" + "\n".join(foot) if foot else "")


def g_pdf(ctx, notes, key):
    doc = pick([d for d in D.PDF_DOCS if matches(key, d["key"])])
    title = fill(doc["title"], ctx)
    meta = [f"Title: {title}", f"Author: {pick([ctx['name'], ctx['company']])}",
            f"Producer: {pick(D.PDF_PRODUCERS)}", f"CreationDate: {iso_date()}"]
    blocks = [fill(p, ctx) for p in doc["paras"]]
    foot = []
    place(blocks, notes, "plain", meta,
          (["Subject: @@", "Keywords: @@", "Comments: @@"], ["Subject: @@", "Keywords: @@"]),
          foot=foot)
    # paginate
    pages = rng.randint(2, 3)
    cut = sorted(rng.sample(range(1, len(blocks)), min(pages - 1, len(blocks) - 1)))
    out, prev = [], 0
    for pno, c in enumerate(cut + [len(blocks)], start=1):
        out.extend(blocks[prev:c])
        out.append(pick([f"{title[:40].rstrip()} | Page {pno} of {len(cut) + 1}",
                         f"- {pno} -", f"Page {pno} of {len(cut) + 1}"]))
        prev = c
    has_meta_note = any(f == "metadata_field" for f, _, _ in notes)
    head = ("[Document properties]\n" + "\n".join(meta) + "\n\n") if (has_meta_note or rng.random() < 0.5) else ""
    return head + title + "\n\n" + "\n\n".join(out + foot)


def g_code(ctx, notes, key):
    f = pick([c for c in D.CODE_FILES if matches(key, c["name"])])
    lang = f["lang"]
    blocks = list(f["blocks"])
    forms = []
    for form, text, attack in notes:
        forms.append((form, text, attack))
    place(blocks, forms, "code", lang=lang, lo=1)
    header = comment_lines(f["name"], lang)
    if lang == "sh":
        return blocks[0].split("\n", 1)[0] + "\n" + header + "\n" + "\n\n".join([blocks[0].split("\n", 1)[1]] + blocks[1:])
    return header + "\n" + "\n\n".join(blocks)


def g_changelog(ctx, notes, key):
    prod = pick(D.CHANGELOG_PRODUCTS)
    blocks = [f"All notable changes to {prod} are documented in this file. "
              "The format is based on Keep a Changelog and the project follows semantic versioning."]
    pools = {k: list(v) for k, v in D.CHANGELOG_ITEMS.items()}
    for v in pools.values():
        rng.shuffle(v)
    major, minor, patch = rng.randint(1, 4), rng.randint(0, 12), 0
    target = rng.randint(700, 2600)
    versions = []
    while len("\n\n".join(blocks + ["\n\n".join(v) + " " * 30 for v in versions])) < target:
        cats = [c for c in pools if pools[c]]
        if not cats:
            break
        chosen = rng.sample(cats, min(len(cats), rng.randint(1, 3)))
        parts = []
        for c in D.CHANGELOG_ITEMS:  # stable order
            if c in chosen:
                items = [pools[c].pop() for _ in range(min(len(pools[c]), rng.randint(1, 3)))]
                parts.append(f"### {c}\n" + "\n".join("- " + i for i in items))
        versions.append(parts)
    # number versions newest first
    rendered = []
    n = len(versions)
    vers = []
    for i in range(n):
        if rng.random() < 0.3:
            minor += 1
            patch = 0
        else:
            patch += 1
        vers.append(f"{major}.{minor}.{patch}")
    vers.reverse()
    day = datetime.date(pick([2024, 2025]), rng.randint(1, 12), rng.randint(1, 28))
    for v, parts in zip(vers, versions):
        rendered.append(f"## [{v}] - {day.isoformat()}\n\n" + "\n\n".join(parts))
        day -= datetime.timedelta(days=rng.randint(6, 75))
    blocks += rendered
    foot = []
    place(blocks, notes, "md", lo=1, foot=foot)
    return "# Changelog\n\n" + "\n\n".join(blocks) + ("\n\n" + "\n".join(foot) if foot else "")


def g_reviews(ctx, notes, key):
    cat = pick([c for c in D.REVIEWS if matches(key, c)])
    prod = D.REVIEW_PRODUCTS[cat]
    revs = list(D.REVIEWS[cat])
    rng.shuffle(revs)
    target = rng.randint(650, 2400)
    blocks, stars_all = [], []
    while revs and len("\n\n".join(blocks)) < target:
        r, t = revs.pop()
        stars_all.append(r)
        who = f"{pick(D.FIRST)} {pick(D.LAST)[0]}."
        blocks.append(f"{'★' * r}{'☆' * (5 - r)}  {r}/5\n{who} - {pick(D.CITIES)} - Verified purchase - {rand_date()}\n{t}\n"
                      f"{rng.randint(0, 40)} people found this helpful")
    rest = []
    for form, text, attack in notes:
        if form == "metadata_field":
            i = rng.randrange(len(blocks))
            lines = blocks[i].split("\n")
            lines.insert(2, "About the reviewer: " + text)
            blocks[i] = "\n".join(lines)
        elif form == "alt_text":
            i = rng.randrange(len(blocks))
            blocks[i] += "\n[Customer photo - alt text: " + text + "]"
        else:
            rest.append((form, text, attack))
    place(blocks, rest, "plain")
    avg = sum(stars_all) / len(stars_all)
    header = f"Customer reviews - {prod}\nAverage rating {avg:.1f} out of 5 ({rng.randint(len(stars_all), 400)} ratings)"
    return header + "\n\n" + "\n\n".join(blocks)


def cycler(pool):
    """Endless iterator over shuffled copies of pool (no repeats until exhausted)."""
    while True:
        items = list(pool)
        rng.shuffle(items)
        yield from items


def _json_records(variant, ctx):
    """Yield an endless stream of records for a JSON variant."""
    i = 0
    cyc = {name: cycler(getattr(D, name)) for name in
           ("CRM_NOTES", "EVENT_DESCRIPTIONS", "ISSUE_BODIES", "FARE_NOTES", "HOTEL_DESCRIPTIONS",
            "WEATHER_SUMMARIES", "ACCOUNT_NOTES", "HOTEL_NAMES", "PRODUCTS")}
    while True:
        i += 1
        if variant == "crm":
            f, l = pick(D.FIRST), pick(D.LAST)
            comp = pick(D.COMPANIES)
            yield {"id": f"c_{rng.randint(1000, 9999)}", "name": f"{f} {l}", "company": comp[0],
                   "email": f"{slug(f)}.{slug(l)}@{comp[1]}", "stage": pick(["lead", "trial", "customer", "churned"]),
                   "last_contact": iso_date(), "notes": next(cyc["CRM_NOTES"])}
        elif variant == "calendar":
            yield {"id": f"evt_{rng.randint(1000, 9999):x}", "title": pick(["Planning", "1:1", "Team lunch", "Dentist", "Vendor demo", "Parents' evening", "Focus time"]),
                   "start": f"{iso_date()}T{rng.randint(8, 17):02d}:{pick(['00', '30'])}:00",
                   "organizer": f"{slug(pick(D.FIRST))}@{ctx['domain']}", "description": next(cyc["EVENT_DESCRIPTIONS"])}
        elif variant == "issues":
            yield {"number": rng.randint(100, 999), "title": pick(["Settings don't persist", "Timeout units wrong in docs", "Option to ignore hidden files", "ARM64 build fails", "Typo in README", "Memory leak in watcher", "Per-project date format", "Deprecation warning on every run"]),
                   "state": pick(["open", "open", "closed"]), "labels": rng.sample(["bug", "docs", "enhancement", "good first issue", "needs-triage"], 2),
                   "user": f"{slug(pick(D.FIRST))}{rng.randint(1, 99)}", "body": next(cyc["ISSUE_BODIES"])}
        elif variant == "flight":
            yield {"carrier": pick(D.AIRLINES), "flight": f"{rng.randint(100, 999)}", "depart": f"{iso_date()}T{rng.randint(6, 21):02d}:{pick(['05', '20', '45'])}",
                   "stops": pick([0, 0, 1]), "price": {"amount": rng.randint(59, 420), "currency": "EUR"}, "fare_notes": next(cyc["FARE_NOTES"])}
        elif variant == "hotel":
            yield {"name": next(cyc["HOTEL_NAMES"]), "price_per_night": rng.randint(65, 240), "currency": "EUR", "rating": round(rng.uniform(3.4, 4.9), 1),
                   "distance_km": round(rng.uniform(0.2, 6.5), 1), "description": next(cyc["HOTEL_DESCRIPTIONS"])}
        elif variant == "weather":
            yield {"date": iso_date(), "high_c": rng.randint(4, 26), "low_c": rng.randint(-3, 14), "precip_mm": round(rng.uniform(0, 12), 1), "summary": next(cyc["WEATHER_SUMMARIES"])}
        elif variant == "account":
            yield {"ts": iso_date(), "agent": pick(D.FIRST), "note": next(cyc["ACCOUNT_NOTES"])}
        else:  # order items
            yield {"sku": f"SKU-{rng.randint(1000, 9999)}", "name": next(cyc["PRODUCTS"]), "qty": rng.randint(1, 3), "unit_price": rng.randint(9, 320)}


JSON_TEXT_FIELD = {"crm": "notes", "calendar": "description", "issues": "body", "flight": "fare_notes",
                   "hotel": "description", "weather": "summary", "account": "note", "order": "name"}
JSON_TOOLS = {"crm": 'crm.search_contacts(query="renewal Q3")', "calendar": "calendar.list_events(range=\"next_7_days\")",
              "issues": "github.list_issues(repo=\"tessellate/harbor-sync\", state=\"all\")",
              "flight": "flights.search(from=\"LBR\", to=\"PAL\")", "hotel": "hotels.search(city=\"Port Alder\", nights=2)",
              "weather": "weather.forecast(days=10)", "account": "account.get_settings(user=\"me\")",
              "order": "orders.lookup(order_id)"}


def g_json(ctx, notes, key):
    variants = ["crm", "calendar", "issues", "flight", "hotel", "weather", "account", "order"]
    variant = pick([v for v in variants if matches(key, v)])
    gen = _json_records(variant, ctx)
    target = rng.randint(650, 2800)
    indent = pick([2, 2, None])
    records = []

    def build():
        if variant == "account":
            return {"user": {"name": ctx["name"], "email": ctx["email"]},
                    "plan": pick(["Basic", "Plus", "Family"]), "renewal_date": iso_date(),
                    "settings": {"auto_upgrade": False, "renewal_reminders": True, "two_factor": True,
                                 "marketing_emails": False},
                    "support_history": records}
        if variant == "order":
            return {"order_id": f"ORD-{ctx['num']}", "status": pick(["processing", "shipped", "delivered"]),
                    "customer": ctx["name2"], "items": records,
                    "shipping": {"method": pick(["standard", "express"]), "address": f"{ctx['unit']} {ctx['street']}, {ctx['city']}"},
                    "customer_note": pick(D.ORDER_NOTES)}
        key_name = {"crm": "results", "calendar": "events", "issues": "items", "flight": "offers",
                    "hotel": "results", "weather": "daily"}[variant]
        obj = {"status": "ok", key_name: records}
        if variant == "weather":
            obj = {"location": ctx["city"], "units": "metric", "daily": records, "alerts": []}
        return obj

    while len(json.dumps(build(), indent=indent, ensure_ascii=False)) < target:
        records.append(next(gen))
        if len(records) >= {"account": 5, "order": 4, "weather": 10, "hotel": 8, "crm": 9}.get(variant, 12):
            break
    obj = build()
    field = JSON_TEXT_FIELD[variant]
    for form, text, attack in notes:
        if variant == "order":
            holder, fname = obj, "customer_note"
        else:
            holder, fname = records[rng.randrange(len(records))], field
        if form == "metadata_field":
            if attack:
                holder[pick(["internal_note", "remarks", fname])] = text
            else:
                holder[fname] = text
        elif form == "plain":
            holder[fname] = str(holder.get(fname, "")).rstrip() + " " + text
        elif form == "automated_note":
            s = (auto_prefix(text) + text) if attack else text
            if rng.random() < 0.5:
                obj["_meta"] = {"notice": s}
            else:
                holder["system_note"] = s
        elif form == "fake_turn":
            holder[fname] = pick(D.FAKE_TURNS).replace("@@", text)
    body = json.dumps(obj, indent=indent, ensure_ascii=False)
    style = rng.randrange(3)
    if style == 0:
        return f"{JSON_TOOLS[variant]} ->\n{body}"
    if style == 1:
        return f"Tool result ({JSON_TOOLS[variant].split('(')[0]}):\n{body}"
    return body


def g_search(ctx, notes, key):
    query = pick([q for q in D.SEARCH_RESULTS if matches(key, q)])
    results = [list(r) for r in D.SEARCH_RESULTS[query]]
    rng.shuffle(results)
    results = results[:rng.randint(4, len(results))]
    banner = []
    for form, text, attack in notes:
        if form == "plain":
            r = results[rng.randrange(len(results))]
            r[2] = r[2].rstrip() + " " + text
        elif form == "automated_note" and rng.random() < 0.5:
            banner.append(render(form, text, attack, "plain"))
        else:
            s = render(form, text, attack, "plain")
            t, u = pick(D.FILLER_RESULTS)
            results.insert(rng.randint(0, len(results)), [t, u, s])
    head = f'Search results for "{query}" (about {rng.randint(12, 900)},{rng.randint(100, 999)} results)'
    items = [f"{i}. {t}\n   https://{u}\n   {s}" for i, (t, u, s) in enumerate(results, 1)]
    return head + "\n" + "".join(b + "\n" for b in banner) + "\n" + "\n\n".join(items)


def g_transcript(ctx, notes, key):
    tr = pick([t for t in D.TRANSCRIPTS if matches(key, t["title"])])
    lines = [f"{s}: {t}" for s, t in tr["lines"]]
    speakers = sorted({s for s, _ in tr["lines"]})
    meta = [f"Transcript: {tr['title']}", f"Date: {ctx['date']}", "Participants: " + ", ".join(speakers)]
    if rng.random() < 0.5:
        meta.append("Recording notes: auto-transcribed, may contain errors")
    for form, text, attack in notes:
        if form == "metadata_field":
            meta.append("Notes: " + text)
        elif form == "plain":
            sp = pick(tr["lines"])[0]
            lines.insert(rng.randint(1, len(lines)), f"{sp}: {text}")
        elif form == "automated_note":
            s = (auto_prefix(text) + text) if attack else text
            lines.insert(rng.randint(0, len(lines)), f"[Note] {s}")
        else:
            lines.insert(rng.randint(1, len(lines)), render(form, text, attack, "plain"))
    sec = rng.randint(5, 300)
    out = []
    for ln in lines:
        sec += rng.randint(4, 45)
        out.append(f"[{sec // 3600:02d}:{sec % 3600 // 60:02d}:{sec % 60:02d}] {ln}")
    return "\n".join(meta) + "\n\n" + "\n".join(out)


def g_sheet(ctx, notes, key):
    variants = ["expenses", "inventory", "leads", "grades"]
    variant = pick([v for v in variants if matches(key, v)])
    memos = D.SHEET_MEMOS[variant]
    target = rng.randint(650, 2600)
    rows = []
    if variant == "expenses":
        header = ["date", "employee", "category", "amount", "currency", "memo", "reimburse_to"]
        def row():
            return [iso_date(), f"{pick(D.FIRST)} {pick(D.LAST)}", pick(["travel", "meals", "equipment", "office", "software"]),
                    f"{rng.randint(4, 900)}.{rng.randint(0, 99):02d}", pick(["EUR", "GBP"]), pick(memos), f"****{rng.randint(1000, 9999)}"]
    elif variant == "inventory":
        header = ["sku", "item", "qty_on_hand", "location", "supplier", "comment"]
        suppliers = ["Ferro Tools", "Saltmarsh Outdoor", "Copperline Bikes", "Brightwater Logistics"]
        def row():
            return [f"SKU-{rng.randint(1000, 9999)}", pick(D.PRODUCTS), str(rng.randint(0, 240)),
                    f"Aisle {rng.randint(1, 14)}{pick('ABC')}", pick(suppliers), pick(memos)]
    elif variant == "leads":
        header = ["contact", "company", "stage", "est_value", "owner", "next_step"]
        def row():
            return [f"{pick(D.FIRST)} {pick(D.LAST)}", pick(D.COMPANIES)[0], pick(["new", "qualified", "proposal", "negotiation", "won", "lost"]),
                    str(rng.randint(2, 120) * 500), pick(D.FIRST), pick(memos)]
    else:
        header = ["student_id", "assignment", "score", "max", "feedback"]
        def row():
            return [f"S{rng.randint(100000, 999999)}", pick(["Essay 1", "Lab report", "Midterm", "Presentation"]),
                    str(rng.randint(38, 98)), "100", pick(memos)]

    def render_csv():
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
        return buf.getvalue().rstrip("\n")

    while len(render_csv()) < target:
        rows.append(row())
    last = len(header) - 1 if variant != "expenses" else 5
    for form, text, attack in notes:
        if text is None:
            text = fill(pick(D.SHEET_DECOYS[variant]), ctx)
        if form == "automated_note":
            s = (auto_prefix(text) + text) if attack else text
            r = [""] * len(header)
            r[last] = s
            rows.insert(rng.randint(0, len(rows)), r)
        elif form == "plain":
            r = rows[rng.randrange(len(rows))]
            r[last] = r[last] + "; " + text
        else:
            rows[rng.randrange(len(rows))][last] = text
    pre = pick(["", f"# exported {iso_date()} from the finance workspace\n", f"Sheet: {variant.title()} ({ctx['company']})\n"])
    return pre + render_csv()


def g_log(ctx, notes, key):
    target = rng.randint(650, 2600)
    lines = []
    h, m, s = rng.randint(0, 20), rng.randint(0, 59), rng.randint(0, 59)
    day = iso_date()
    while sum(len(x[2]) + 45 for x in lines) < target:
        lvl, svc, msg = pick(D.LOG_MESSAGES)
        msg = (msg.replace("{ms}", str(rng.randint(3, 2400))).replace("{uid}", str(rng.randint(10000, 99999)))
               .replace("{rows}", str(rng.randint(100, 90000))).replace("{ms3}", str(rng.randint(0, 9))))
        lines.append((lvl, svc, msg))
    for form, text, attack in notes:
        if form == "metadata_field":
            lines.insert(rng.randint(0, len(lines)), ("INFO", "config", json.dumps({"msg": "annotation added", "annotation": text}, ensure_ascii=False)))
        elif form == "plain":
            lines.insert(rng.randint(0, len(lines)), (pick(["INFO", "WARN"]), pick(["ops", "deploy", "api"]), text))
        elif form == "automated_note":
            s2 = (auto_prefix(text) + text) if attack else text
            lines.insert(rng.randint(0, len(lines)), ("NOTICE", "ops-bot", s2))
        else:
            lines.insert(rng.randint(0, len(lines)), ("RAW", "", render(form, text, attack, "plain")))
    out = []
    for lvl, svc, msg in lines:
        s += rng.randint(1, 20)
        m += s // 60
        s %= 60
        h += m // 60
        m %= 60
        h %= 24
        ts = f"{day}T{h:02d}:{m:02d}:{s:02d}.{rng.randint(0, 999):03d}Z"
        if lvl == "RAW":
            out.append(msg)
        else:
            out.append(f"{ts} {lvl:<6} {svc:<9} {msg}")
    return "\n".join(out)


GENRES = {
    "email": g_email, "support_ticket": g_ticket, "web_page": g_web, "wiki_page": g_wiki,
    "pdf_text": g_pdf, "code_file": g_code, "changelog": g_changelog, "product_reviews": g_reviews,
    "json_tool_result": g_json, "search_results": g_search, "transcript": g_transcript,
    "spreadsheet": g_sheet, "server_log": g_log,
}
GENRE_ORDER = list(GENRES)

ATTACK_FORMS = {
    "email": ["plain", "footnote", "automated_note", "fake_turn", "metadata_field"],
    "support_ticket": ["plain", "automated_note", "fake_turn", "metadata_field"],
    "web_page": ["plain", "html_comment", "alt_text", "automated_note", "footnote", "metadata_field"],
    "wiki_page": ["plain", "html_comment", "alt_text", "footnote", "automated_note", "fake_turn", "metadata_field"],
    "pdf_text": ["plain", "footnote", "metadata_field", "automated_note", "fake_turn"],
    "code_file": ["code_comment", "plain", "automated_note", "fake_turn"],
    "changelog": ["plain", "html_comment", "automated_note", "footnote"],
    "product_reviews": ["plain", "alt_text", "automated_note", "fake_turn", "metadata_field"],
    "json_tool_result": ["metadata_field", "plain", "automated_note", "fake_turn"],
    "search_results": ["plain", "automated_note", "fake_turn"],
    "transcript": ["plain", "automated_note", "fake_turn", "metadata_field"],
    "spreadsheet": ["metadata_field", "plain", "automated_note"],
    "server_log": ["plain", "metadata_field", "fake_turn", "automated_note"],
}
DECOY_FORMS = {
    "email": ["plain", "footnote", "automated_note", "metadata_field", "chat_excerpt"],
    "support_ticket": ["plain", "automated_note", "metadata_field", "chat_excerpt"],
    "web_page": ["plain", "html_comment", "alt_text", "automated_note", "footnote", "metadata_field"],
    "wiki_page": ["plain", "html_comment", "alt_text", "footnote", "automated_note", "metadata_field"],
    "pdf_text": ["plain", "footnote", "metadata_field", "automated_note"],
    "code_file": ["code_comment"],
    "changelog": ["plain", "html_comment", "automated_note", "footnote"],
    "product_reviews": ["plain", "alt_text", "automated_note", "metadata_field"],
    "json_tool_result": ["metadata_field", "plain", "automated_note"],
    "search_results": ["plain", "automated_note"],
    "transcript": ["plain", "automated_note", "metadata_field"],
    "spreadsheet": ["metadata_field", "plain"],
    "server_log": ["plain", "metadata_field"],
}


def decoy(genre, ctx):
    form = pick(DECOY_FORMS[genre])
    if genre == "server_log":
        text = pick(D.LOG_DECOYS)
    elif genre == "spreadsheet":
        return (form, None, False)  # g_sheet picks a note that fits the sheet
    else:
        text = pick(D.GENRE_DECOYS[genre][form])
    text = fill(text, ctx)
    if form == "chat_excerpt":
        form = "plain"
    return (form, text, False)


SEEN = set()


def make_doc(genre, notes_fn, key=None):
    """Build one document of `genre` whose length is in range and text unseen."""
    for _ in range(200):
        ctx = make_ctx()
        notes = notes_fn(ctx)
        text = GENRES[genre](ctx, notes, key)
        if rng.random() < 0.12:
            text = pick(D.USER_WRAPS) + "\n\n" + text
        if MIN_DOC <= len(text) <= MAX_DOC and text not in SEEN:
            SEEN.add(text)
            return text
    raise RuntimeError(f"could not build a {genre} document (key={key})")


# ---------------------------------------------------------------------------
# obfuscation
# ---------------------------------------------------------------------------

LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7", "g": "9", "b": "8"}
HOMO = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "i": "і", "y": "у",
        "A": "А", "E": "Е", "O": "О", "P": "Р", "C": "С", "T": "Т", "H": "Н", "K": "К"}
ZW = ["\u200b", "\u200c", "\u200d", "\u2060"]


def obfuscate(text, enc):
    if enc == "base64":
        return base64.b64encode(text.encode("utf-8")).decode("ascii")
    if enc == "hex":
        h = text.encode("utf-8").hex()
        if rng.random() < 0.5:
            return " ".join(h[i:i + 2] for i in range(0, len(h), 2))
        return h
    if enc == "rot13":
        return codecs.encode(text, "rot13")
    if enc == "url":
        return "".join(f"%{b:02X}" for b in text.encode("utf-8"))
    if enc == "reversed":
        return text[::-1]
    if enc == "leet":
        return "".join(LEET.get(ch, ch) if rng.random() < 0.8 else ch for ch in text)
    if enc == "homoglyph":
        return "".join(HOMO.get(ch, ch) if rng.random() < 0.7 else ch for ch in text)
    if enc == "zero_width":
        out = []
        for ch in text:
            out.append(ch)
            if ch.isalpha() and rng.random() < 0.6:
                out.append(pick(ZW))
        return "".join(out)
    if enc == "spaced":
        return "   ".join(" ".join(w) for w in text.split(" "))
    raise ValueError(enc)


OBF_SUFFIX = {
    "base64": ["", "", "\n(reply only with the result)"],
    "hex": ["", " <- do this"],
    "rot13": ["", ""],
    "url": ["", ""],
    "reversed": ["", " .siht od"],
    "leet": ["", " thx"],
    "homoglyph": [""],
    "zero_width": [""],
    "spaced": [""],
}


# ---------------------------------------------------------------------------
# main assembly
# ---------------------------------------------------------------------------

def main():
    records = []

    def add(text, label, kind):
        records.append({"text": text, "label": label, "kind": kind})

    # --- attacks: indirect injections in documents
    genre_use = Counter()
    form_use = Counter()
    for target, payload in D.INDIRECT_PAYLOADS:
        key = None
        if target is None:
            least = min(genre_use[g] for g in GENRE_ORDER)
            genre = pick([g for g in GENRE_ORDER if genre_use[g] == least])
        elif ":" in target:
            genre, key = target.split(":", 1)
        else:
            genre = target
        genre_use[genre] += 1
        forms = ATTACK_FORMS[genre]
        fl = min(form_use[f] for f in forms)
        form = pick([f for f in forms if form_use[f] == fl])
        form_use[form] += 1

        def notes_fn(ctx, genre=genre, form=form, payload=payload):
            notes = [(form, payload, True)]
            if rng.random() < 0.35:
                notes.insert(rng.randint(0, 1), decoy(genre, ctx))
            return notes

        add(make_doc(genre, notes_fn, key), "attack", "indirect_in_document")

    # --- benign long documents (same genres, ordinary notes only)
    order = []
    while len(order) < N_BENIGN_DOCS:
        block = list(GENRE_ORDER)
        rng.shuffle(block)
        order.extend(block)
    for genre in order[:N_BENIGN_DOCS]:
        def notes_fn(ctx, genre=genre):
            k = pick([0, 1, 1, 2])
            notes = []
            while len(notes) < k:
                d = decoy(genre, ctx)
                if d not in notes:
                    notes.append(d)
            return notes
        add(make_doc(genre, notes_fn), "benign", "long_document")

    # --- attacks: short hand-written texts
    for t in D.PARAPHRASED_DIRECT:
        add(t, "attack", "paraphrased_direct")
    for t in D.PROMPT_EXTRACTION:
        add(t, "attack", "prompt_extraction")
    for t in D.ROLEPLAY_JAILBREAK:
        add(t, "attack", "roleplay_jailbreak")
    for t in D.EXFILTRATION:
        add(t, "attack", "exfiltration")
    for t in D.TOOL_HIJACK:
        add(t, "attack", "tool_hijack")
    for t in D.MULTILINGUAL:
        add(t, "attack", "multilingual")
    pre_idx = Counter()
    for plain, enc in D.OBFUSCATED_PLAIN:
        pres = D.OBF_PREAMBLES[enc]
        pre = pres[pre_idx[enc] % len(pres)]
        pre_idx[enc] += 1
        add(pre + obfuscate(plain, enc) + pick(OBF_SUFFIX[enc]), "attack", "obfuscated")

    # --- benign short texts
    for t in D.SECURITY_DISCUSSION:
        add(t, "benign", "security_discussion")
    for t in D.TRIGGER_WORDS:
        add(t, "benign", "trigger_words")
    for t in D.SYSTEM_PROMPTS:
        add(t, "benign", "system_prompt")
    for t in D.CHAT:
        add(t, "benign", "chat")
    for t in D.CODE:
        add(t, "benign", "code")
    for t in D.AGENT_TOOL_OUTPUT:
        add(t, "benign", "agent_tool_output")
    for t in D.ROLEPLAY_BENIGN:
        add(t, "benign", "roleplay_benign")

    # sanity: no duplicate texts
    texts = [r["text"] for r in records]
    dups = [t for t, c in Counter(texts).items() if c > 1]
    if dups:
        raise SystemExit(f"duplicate texts: {dups[:3]}")

    rng.shuffle(records)
    out_path = os.path.join(HERE, "injection.jsonl")
    with open(out_path, "w", encoding="utf-8", newline="\n") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")

    write_readme(records, genre_use, form_use)


def write_readme(records, genre_use, form_use):
    counts = Counter((r["label"], r["kind"]) for r in records)
    labels = Counter(r["label"] for r in records)
    lines = []
    for label in ("attack", "benign"):
        for (lab, kind), n in sorted(counts.items()):
            if lab == label:
                lines.append(f"| {label} | {kind} | {n} |")
        lines.append(f"| **{label}** | **total** | **{labels[label]}** |")
    table = "\n".join(lines)
    doc_lens = [len(r["text"]) for r in records if r["kind"] in ("indirect_in_document", "long_document")]
    genre_tbl = "\n".join(f"| {g} | {genre_use[g]} |" for g in GENRE_ORDER)
    form_tbl = "\n".join(f"| {f} | {n} |" for f, n in sorted(form_use.items()))
    readme = f"""# heldout4 - independent held-out set for the prompt-injection detector

## Provenance

Every text in this directory was written for the Tollgate project by a
helper session that had **not** seen the detector, its rules, its training
data, or any other corpus in this repository (nothing under `filters/`,
`corpus/` other than this directory, `host-tests/`, `tools/` or `benches/`
was read, and the detector was never run). No third-party dataset or
circulating jailbreak text was copied; attack patterns are paraphrased in
original wording. All people, companies, places, accounts, IBANs and domains
are invented (domains mostly use the reserved `.example` / `.test` suffixes).

- `data.py` - all hand-written material (short texts, document building
  blocks, hidden-instruction payloads, benign look-alike notes).
- `gen.py` - assembles documents, hides one instruction in each attack
  document, applies encodings for the obfuscated attacks, shuffles and writes
  `injection.jsonl` and this README. Python 3, standard library only, seeded
  with `random.Random({SEED})`. Re-running it reproduces both files byte for
  byte: `python3 gen.py`.

This set is meant to be used **once**, to measure the detector honestly.
Please do not tune the detector against it.

## Format

`injection.jsonl`: one JSON object per line (UTF-8, `ensure_ascii=False`,
`\\n` line endings):

```json
{{"text": "...", "label": "attack" | "benign", "kind": "snake_case_kind"}}
```

`attack` = the text's intent is to override or subvert the deployer's
instructions or safety policy (directly, or as an instruction hidden in
content an assistant/agent will process). `benign` = everything else,
including hard negatives: documents full of imperatives aimed at humans,
discussion of prompt injection, deployer system prompts, and innocent uses
of words such as ignore/override/bypass/jailbreak/system prompt.

## Counts

| label | kind | n |
|---|---|---|
{table}

Total: {len(records)} records.

## Documents

`indirect_in_document` (attack) and `long_document` (benign) are built from
the same genres and the same building blocks, so the only systematic
difference is the single hidden instruction. Lengths are {min(doc_lens)}-{max(doc_lens)}
characters. Benign documents carry 0-2 ordinary notes in the same forms
(HTML comments, footnotes, metadata fields, code comments, alt text,
"note for reviewers", chat-widget excerpts); about 35% of attack documents
also carry one such benign note.

Attack documents per genre:

| genre | n |
|---|---|
{genre_tbl}

Form of the hidden instruction:

| form | n |
|---|---|
{form_tbl}

Obfuscated attacks use base64, hex, ROT13, percent-encoding, reversed text,
leetspeak, Cyrillic homoglyphs, zero-width characters and spaced letters,
with and without decode-and-follow preambles. Multilingual attacks cover
Spanish, French, German, Portuguese, Italian, Dutch, Polish, Japanese and
Chinese.
"""
    with open(os.path.join(HERE, "README.md"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write(readme)


if __name__ == "__main__":
    main()
