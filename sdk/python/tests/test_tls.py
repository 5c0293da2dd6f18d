"""The clients against a gateway serving TLS (a CA made for the run) and
requiring a bearer token."""

import asyncio

import pytest

from copydesk import NO_RETRIES, AsyncClient, Client, Unauthenticated, Unavailable
from conftest import TOKEN

STORY = "Angela Merkel met Emmanuel Macron in Paris."


def test_tls_with_the_token_annotates(tls_gateway, certificates):
    with Client(tls_gateway, root_certificates=certificates.ca_pem, token=TOKEN) as client:
        annotation = client.annotate(STORY, language="en")
        assert any(e.name == "Angela Merkel" for e in annotation.entities)
        results = list(client.annotate_stream([STORY, STORY], features=["entities"]))
        assert [r.ok for r in results] == [True, True]
        results = list(client.annotate_batches([STORY, STORY], features=["entities"]))
        assert [r.ok for r in results] == [True, True]


def test_https_urls_and_the_server_name_work(tls_gateway, certificates):
    port = tls_gateway.rsplit(":", 1)[1]
    with Client(f"https://localhost:{port}", root_certificates=certificates.ca_pem, token=TOKEN) as client:
        assert client.annotate(STORY, features=["segmentation"]).sentences


def test_without_or_with_a_wrong_token_the_call_is_unauthenticated(tls_gateway, certificates):
    for token in (None, "wrong"):
        with Client(tls_gateway, root_certificates=certificates.ca_pem, token=token) as client:
            with pytest.raises(Unauthenticated):
                client.annotate(STORY)


def test_a_certificate_from_another_ca_is_refused(tls_gateway, certificates):
    with Client(tls_gateway, root_certificates=certificates.other_ca_pem, token=TOKEN, retry=NO_RETRIES, timeout=10) as client:
        with pytest.raises(Unavailable):
            client.annotate(STORY)


def test_plain_text_to_a_tls_port_is_unavailable(tls_gateway):
    with Client(tls_gateway, token=TOKEN, retry=NO_RETRIES, timeout=10) as client:
        with pytest.raises(Unavailable):
            client.annotate(STORY)


def test_the_async_client_over_tls_with_the_token(tls_gateway, certificates):
    async def run(token):
        async with AsyncClient(tls_gateway, root_certificates=certificates.ca_pem, token=token) as client:
            return await client.annotate(STORY, features=["entities"])

    assert asyncio.run(run(TOKEN)).entities
    with pytest.raises(Unauthenticated):
        asyncio.run(run(None))
