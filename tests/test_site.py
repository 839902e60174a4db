"""The website opt-out kit and the site audit, on a generated site served on 127.0.0.1."""

from __future__ import annotations

import json
import urllib.robotparser
from pathlib import Path

import pytest
from PIL import Image

from artguard.cli import main
from artguard.profile import AIUse, ProfileStore, RightsProfile
from artguard.site import audit_site, build_kit, crawlers, write_kit
from artguard.site.kit import head_tags
from tests.httpsite import serve
from tests.images import textured

LICENCE = "https://ana.example/licence"
EXISTING_ROBOTS = """# my host's rules
User-agent: *
Allow: /private/press-kit/
Disallow: /private/

User-agent: GPTBot
Allow: /

User-agent: CCBot
Disallow: /

Sitemap: https://ana.example/sitemap.xml
"""


def _profile(**ai: bool) -> RightsProfile:
    return RightsProfile(name="Ana", creator="Ana Artist", licensing_url=LICENCE, ai_use=AIUse(**ai))


@pytest.fixture
def site(tmp_path: Path, make_image, capsys) -> dict:
    """A portfolio export: protected images (via ``artguard embed``) served as is or re-encoded."""
    for i in range(3):
        make_image(f"in/art{i}.jpg", 720, 540, seed=80 + i)
    ProfileStore().save(_profile())
    assert main(["embed", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--profile", "Ana"]) == 0
    capsys.readouterr()
    out = tmp_path / "out" / "in"
    www = tmp_path / "my site" / "www"
    (www / "gallery").mkdir(parents=True)
    (www / "img").mkdir()
    (www / "img" / "kept.jpg").write_bytes((out / "art0.jpg").read_bytes())  # served byte for byte
    Image.open(out / "art1.jpg").save(www / "img" / "resized.jpg", quality=82)  # the builder re-encoded it
    Image.open(out / "art2.jpg").resize((480, 360)).save(www / "img" / "thumb.webp", quality=80)
    textured(400, 300, seed=999).save(www / "img" / "banner.jpg", quality=85)  # not the artist's, no CMI
    meta = '<meta name="robots" content="noai, noimageai"><meta name="tdm-reservation" content="1">'
    (www / "index.html").write_text(
        f'<!doctype html><html><head>{meta}<meta property="og:image" content="/img/kept.jpg"></head><body>'
        '<img src="img/banner.jpg"><a href="gallery/">Gallery</a><a href="about.html">About</a><a href="feed">RSS</a>'
        '<a href="https://elsewhere.example/">elsewhere</a></body></html>'
    )
    (www / "gallery" / "index.html").write_text(
        '<html><head><title>Gallery</title></head><body><img src="../img/resized.jpg" srcset="../img/thumb.webp 480w, ../img/resized.jpg 720w">'
        '<picture><source srcset="/img/thumb.webp"><img src="/img/kept.jpg"></picture></body></html>'
    )
    (www / "about.html").write_text(f"<html><head>{meta}</head><body>About me <a href='/'>home</a></body></html>")
    (www / "robots.txt").write_text(EXISTING_ROBOTS)
    (www / "feed").write_text('<?xml version="1.0"?><rss><channel><title>Ana</title></channel></rss>')  # a link, not a page
    (www / ".well-known").mkdir()
    (www / ".well-known" / "tdmrep.json").write_text(json.dumps([{"location": "/", "tdm-reservation": 0}]))
    (www / "ai.txt").write_text("<!doctype html><html><body>Page not found</body></html>")  # a host's catch-all page
    return {"www": www, "profile": _profile()}


def _by_path(audit) -> dict[str, object]:
    return {i.url.split("/", 3)[3]: i for i in audit.images}


def _signals(audit) -> dict[str, object]:
    return {s.name: s for s in audit.signals}


def test_audit_finds_stripped_images_and_missing_or_inconsistent_reservations(site) -> None:
    with serve(site["www"]) as base:
        audit = audit_site(base + "/", site["profile"])
    assert sorted(p.removeprefix(base) for p in audit.pages) == ["/", "/about.html", "/gallery/"] and not audit.page_errors
    images = _by_path(audit)
    assert set(images) == {"img/kept.jpg", "img/banner.jpg", "img/resized.jpg", "img/thumb.webp"}
    assert images["img/kept.jpg"].state == "intact" and images["img/kept.jpg"].c2pa_state == "valid"
    assert images["img/resized.jpg"].state == "stripped-by-site" and images["img/resized.jpg"].own
    assert images["img/thumb.webp"].state == "stripped-by-site"
    assert images["img/thumb.webp"].result.match.publication.original.path.endswith("art2.jpg")
    assert images["img/banner.jpg"].state == "no-cmi" and not images["img/banner.jpg"].own
    assert sorted(images["img/kept.jpg"].pages) == [base + "/", base + "/gallery/"]

    signals = _signals(audit)
    robots = signals["robots.txt AI rules"]
    assert robots.state == "partial" and robots.agrees is False and "GPTBot" in robots.detail
    assert signals["ai.txt"].state == "missing" and signals["ai.txt"].agrees is False
    assert signals["tdmrep.json"].value == "tdm-reservation 0" and signals["tdmrep.json"].agrees is False
    assert signals['<meta name="robots">'].state == "partial" and "1 of 3" in signals['<meta name="robots">'].detail
    assert signals['<meta name="tdm-policy">'].state == "missing"
    assert signals["X-Robots-Tag header"].state == "missing" and signals["tdm-reservation header"].state == "missing"
    assert signals["X-Robots-Tag header on images"].detail == "missing on all 4 images"
    problems = " | ".join(audit.problems)
    assert "contradicts itself" in problems and "tdmrep.json" in problems
    assert "2 of your protected images lost all their CMI" in problems
    assert not audit.ok()


def test_the_kit_applied_to_the_site_clears_every_reservation_problem(site, tmp_path: Path) -> None:
    www, profile = site["www"], site["profile"]
    (www / ".htaccess").write_text("Options -Indexes\n")
    kit = write_kit(build_kit(profile), www)  # straight into the site folder: its robots.txt and .htaccess are merged
    assert "Options -Indexes" in (www / ".htaccess").read_text() and "Header set tdm-reservation" in (www / ".htaccess").read_text()
    assert "Disallow: /private/" in (www / "robots.txt").read_text() and kit.robots_changes
    assert "took" in (www / "artguard-kit" / "README.md").read_text() or "removed" in (www / "artguard-kit" / "README.md").read_text()
    write_kit(kit, www)  # again: nothing doubles
    assert (www / ".htaccess").read_text().count("# BEGIN ArtGuard") == 1 and (www / "robots.txt").read_text().count("User-agent: GPTBot") == 1
    tags = head_tags(kit.policy)
    for page in (www / "index.html", www / "about.html", www / "gallery" / "index.html"):
        text = page.read_text().replace('<meta name="robots" content="noai, noimageai"><meta name="tdm-reservation" content="1">', "")
        page.write_text(text.replace("<head>", "<head>" + tags, 1))
    headers = {name: value for name, value in (line.strip().split(": ", 1) for line in kit.file("_headers").text.splitlines()[3:6])}
    served = ("/", "/about.html", "/gallery/", "/img/kept.jpg", "/img/resized.jpg", "/img/thumb.webp", "/img/banner.jpg")
    with serve(www, headers={p: headers for p in served}) as base:
        audit = audit_site(base, profile)
    assert all(s.agrees is not False for s in audit.signals), [vars(s) for s in audit.signals if s.agrees is False]
    assert {s.name for s in audit.signals if s.state == "present"} >= {"robots.txt AI rules", "ai.txt", "tdmrep.json", "X-Robots-Tag header", "X-Robots-Tag header on images"}
    assert audit.problems == ["2 of your protected images lost all their CMI and Content Credentials on the site (its upload or resize pipeline strips metadata)"]


def test_audit_of_a_folder_export_reads_the_same_pages(site) -> None:
    audit = audit_site(str(site["www"]), site["profile"])
    assert sorted(audit.pages) == ["/", "/about.html", "/gallery/"]
    assert {i.url.rsplit("/", 1)[1]: i.state for i in audit.images} == {
        "kept.jpg": "intact", "banner.jpg": "no-cmi", "resized.jpg": "stripped-by-site", "thumb.webp": "stripped-by-site"}
    assert _signals(audit)["response headers"].state == "not-visible"
    assert _signals(audit)["tdmrep.json"].agrees is False
    (site["www"] / "about.html").write_text('<a href="../../secret.html">up</a><img src="/../../etc/passwd.jpg">')
    bounded = audit_site(str(site["www"]), site["profile"], max_pages=2)
    assert len(bounded.pages) == 2 and bounded.truncated and "page limit" in bounded.problems[-1]
    few = audit_site(str(site["www"]), site["profile"], max_images=1)
    assert len(few.images) == 1 and "only the first 1 images were checked" in few.problems[-1]
    escaped = [i for i in bounded.images if "passwd" in i.url]
    assert all(i.state == "error" for i in escaped)


def test_robots_merge_keeps_shared_groups_and_line_endings_do_not_matter() -> None:
    existing = "User-agent: GPTBot\r\nUser-agent: FriendlyBot\r\nDisallow: /tmp/\r\n"
    kit = build_kit(_profile(), existing_robots=existing)
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(kit.file("robots.txt").text.splitlines())
    assert not parser.can_fetch("GPTBot", "/a.html")
    assert not parser.can_fetch("FriendlyBot", "/tmp/x") and parser.can_fetch("FriendlyBot", "/a.html")
    assert "took GPTBot out of the group at line 1" in kit.robots_changes[0]
    assert build_kit(_profile()).file("robots.txt").text.startswith("# BEGIN ArtGuard AI opt-out")


def test_kit_robots_txt_disallows_every_listed_crawler_and_keeps_other_rules() -> None:
    kit = build_kit(_profile(), existing_robots=EXISTING_ROBOTS)
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(kit.file("robots.txt").text.splitlines())
    ai = [c for c in crawlers() if c.category != "search"]
    assert len(ai) >= 30
    for crawler in ai:
        assert not parser.can_fetch(crawler.name, "https://ana.example/gallery/art.jpg"), crawler.name
    for engine in ("Googlebot", "Bingbot", "OAI-SearchBot", "DuckDuckBot"):
        assert parser.can_fetch(engine, "https://ana.example/gallery/"), engine
        assert not parser.can_fetch(engine, "https://ana.example/private/x.html")
    assert parser.can_fetch("SomeBot", "https://ana.example/private/press-kit/a.zip")
    assert parser.site_maps() == ["https://ana.example/sitemap.xml"]
    assert "# my host's rules" in kit.file("robots.txt").text
    assert kit.robots_changes and "GPTBot" in kit.robots_changes[0]
    again = build_kit(_profile(), existing_robots=kit.file("robots.txt").text)
    assert again.file("robots.txt").text == kit.file("robots.txt").text  # re-running replaces its own block


def test_the_crawler_list_is_complete_data() -> None:
    import datetime
    import re

    listed = crawlers()
    names = [c.name.lower() for c in listed]
    assert len(names) == len(set(names)), "each crawler once"
    for wanted in ("GPTBot", "ChatGPT-User", "OAI-SearchBot", "CCBot", "Google-Extended", "ClaudeBot", "anthropic-ai", "Claude-Web",
                   "Applebot-Extended", "Bytespider", "PerplexityBot", "meta-externalagent", "FacebookBot", "Amazonbot", "cohere-ai",
                   "Diffbot", "ImagesiftBot", "Omgilibot", "Timpibot", "img2dataset"):
        assert wanted.lower() in names, wanted
    for c in listed:
        assert c.operator and c.purpose and c.honours_robots_txt in ("yes", "partly", "no", "unclear"), c
        assert re.fullmatch(r"https://\S+", c.source), c
        assert datetime.date.fromisoformat(c.checked) <= datetime.date.today()
        assert re.fullmatch(r"[A-Za-z0-9._-]+", c.name), c.name  # a valid robots.txt product token
    assert {c.name for c in listed if c.category == "search"} >= {"OAI-SearchBot", "Googlebot", "Bingbot"}


def _valid_tdmrep(text: str) -> list[dict]:
    """The TDMRep file format (W3C TDMRep final report, "TDM File on the Origin Server")."""
    doc = json.loads(text)
    assert isinstance(doc, list) and doc, "an array of rules, even for one rule"
    for rule in doc:
        assert set(rule) <= {"location", "tdm-reservation", "tdm-policy"}
        assert isinstance(rule["location"], str) and rule["location"].startswith("/")
        assert type(rule["tdm-reservation"]) is int and rule["tdm-reservation"] in (0, 1)
        if "tdm-policy" in rule:
            assert rule["tdm-reservation"] == 1
            assert rule["tdm-policy"].startswith(("https://", "http://"))
    return doc


@pytest.mark.parametrize(
    ("ai", "blocked", "tdm", "noai"),
    [
        ({}, {"GPTBot", "CCBot", "PerplexityBot", "ChatGPT-User"}, 1, True),
        ({"ai_training": True, "ai_generative_training": True, "ai_inference": True, "data_mining": True}, set(), 0, False),
        ({"ai_training": True, "ai_generative_training": True, "data_mining": True}, {"PerplexityBot", "ChatGPT-User"}, 0, False),
        ({"ai_inference": True, "data_mining": True}, {"GPTBot", "CCBot"}, 1, True),
    ],
)
def test_the_kit_follows_the_profiles_ai_use_choice(ai: dict, blocked: set, tdm: int, noai: bool) -> None:
    kit = build_kit(_profile(**ai))
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(kit.file("robots.txt").text.splitlines())
    for name in ("GPTBot", "CCBot", "PerplexityBot", "ChatGPT-User", "Googlebot"):
        assert parser.can_fetch(name, "/art.jpg") == (name not in blocked), name
    (rule,) = _valid_tdmrep(kit.file(".well-known/tdmrep.json").text)
    assert rule["location"] == "/" and rule["tdm-reservation"] == tdm
    assert (rule.get("tdm-policy") == LICENCE) == bool(tdm)
    assert ('content="noai, noimageai"' in kit.file("artguard-kit/head-tags.html").text) == noai
    assert ("X-Robots-Tag: noai, noimageai" in kit.file("_headers").text) == noai
    assert f'Header set tdm-reservation "{tdm}"' in kit.file(".htaccess").text
    assert f'add_header tdm-reservation "{tdm}" always;' in kit.file("artguard-kit/nginx.conf").text
    ai_txt = urllib.robotparser.RobotFileParser()
    ai_txt.parse(kit.file("ai.txt").text.splitlines())
    assert ai_txt.can_fetch("*", "/art.jpg") == ("GPTBot" not in blocked)
    assert kit.policy.term in kit.file("artguard-kit/README.md").text


def test_cli_kit_and_audit(site, tmp_path: Path, capsys) -> None:
    out = tmp_path / "kit"
    assert main(["site", "kit", "--profile", "Ana", "-o", str(out), "--merge-robots", str(site["www"] / "robots.txt"), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["ai_use"] == "DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING"
    assert {Path(f["path"]).relative_to(out).as_posix() for f in doc["files"]} >= {"robots.txt", "ai.txt", ".well-known/tdmrep.json", "_headers", ".htaccess", "artguard-kit/nginx.conf", "artguard-kit/README.md"}
    assert "Disallow: /private/" in (out / "robots.txt").read_text()

    index = site["www"] / "index.html"
    index.write_text(index.read_text().replace("<body>", "<body><img src='img/gone&lt;b&gt;bold.jpg'>"))  # a missing image, markup in its URL
    report = tmp_path / "audit.html"
    with serve(site["www"]) as base:
        rc = main(["site", "audit", base, "--profile", "Ana", "--json", "--report", str(report), "--max-pages", "5"])
    doc = json.loads(capsys.readouterr().out)
    assert rc == 1 and doc["summary"]["stripped-by-site"] == 2 and doc["report"] == str(report)
    html = report.read_text()
    assert "Your images stripped by the site" in html and html.count("data:image/jpeg;base64,") == 4
    assert "gone&lt;b&gt;bold.jpg" in html and "<b>bold" not in html and "404" in html
    assert main(["site", "audit", str(tmp_path / "absent")]) == 1
    assert main(["site", "audit", str(site["www"]), "--max-pages", "0"]) == 2
    assert main(["site", "audit", str(site["www"]), "--max-images", "1", "--json"]) == 1
    assert len(json.loads(capsys.readouterr().out)["images"]) == 1
