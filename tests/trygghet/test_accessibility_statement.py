"""The accessibility statement (tillgänglighetsredogörelse) that DOS-lagen requires."""

from django.urls import reverse

STATEMENT_URL = "/tillganglighet/"
FOOTER_LINK = f'<a href="{STATEMENT_URL}">Tillgänglighetsredogörelse</a>'


def test_statement_is_reachable_without_login(client, db):
    response = client.get(reverse("accessibility"))

    assert reverse("accessibility") == STATEMENT_URL
    assert response.status_code == 200
    assert 'lang="sv"' in response.text


def test_statement_has_the_sections_of_diggs_model(client, db):
    text = client.get(STATEMENT_URL).text

    for heading in (
        "Tillgänglighetsredogörelse för Trygghet",
        "Hur tillgänglig är tjänsten?",
        "Vad kan du göra om du inte kan använda delar av tjänsten?",
        "Rapportera brister i tjänstens tillgänglighet",
        "Tillsyn",
        "Teknisk information om tjänstens tillgänglighet",
        "Innehåll som inte är tillgängligt",
        "Hur vi testat tjänsten",
    ):
        assert f">{heading}</h" in text, heading
    assert "delvis förenlig" in text
    assert "WCAG) version 2.1" in text
    assert 'href="https://www.digg.se/' in text
    assert "Myndigheten för digital förvaltning" in text
    assert "PDF/UA" in text
    assert "axe-core" in text
    assert '<time datetime="2026-11-25">' in text


def test_statement_names_the_contact_when_one_is_set(client, db, settings):
    assert "kontakta din kommuns handläggare" in client.get(STATEMENT_URL).text

    settings.ACCESSIBILITY_CONTACT_EMAIL = "tillganglighet@kommun.example"
    text = client.get(STATEMENT_URL).text
    assert 'href="mailto:tillganglighet@kommun.example"' in text
    assert "kontakta din kommuns handläggare" not in text


def test_footer_of_the_login_page_links_to_the_statement(client, db):
    response = client.get(reverse("login"))

    footer = response.text.split("<footer", 1)[1]
    assert FOOTER_LINK in footer


def test_footer_of_a_logged_in_page_links_to_the_statement(official_client):
    response = official_client.get(reverse("start"))

    assert response.status_code == 200
    footer = response.text.split("<footer", 1)[1]
    assert FOOTER_LINK in footer


def test_footer_of_the_404_page_links_to_the_statement(client, db):
    response = client.get("/finns-inte/")

    assert response.status_code == 404
    assert FOOTER_LINK in response.text.split("<footer", 1)[1]
