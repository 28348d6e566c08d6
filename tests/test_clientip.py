"""daodao.clientip.client_ip: the one client-address rule (axes, rate limits, audit)."""

from django.test import RequestFactory

from daodao.clientip import client_ip


def request(remote="10.0.0.1", xff=None):
    meta = {"REMOTE_ADDR": remote}
    if xff is not None:
        meta["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **meta)


def test_without_trusted_proxies_a_forged_forwarded_for_changes_nothing(settings):
    settings.DAODAO_TRUSTED_PROXIES = 0
    assert client_ip(request(xff="203.0.113.9")) == "10.0.0.1"
    assert client_ip(request(xff="203.0.113.9, 198.51.100.1")) == "10.0.0.1"


def test_one_trusted_proxy_takes_the_address_it_appended(settings):
    settings.DAODAO_TRUSTED_PROXIES = 1
    # The client forged the first entry; the proxy appended the real one.
    assert client_ip(request(remote="172.18.0.2", xff="203.0.113.9, 198.51.100.7")) == "198.51.100.7"
    assert client_ip(request(remote="172.18.0.2", xff="198.51.100.7")) == "198.51.100.7"


def test_two_trusted_proxies(settings):
    settings.DAODAO_TRUSTED_PROXIES = 2
    assert client_ip(request(remote="172.18.0.3", xff="1.2.3.4, 198.51.100.7, 172.18.0.2")) == "198.51.100.7"


def test_a_request_that_bypassed_the_proxies_falls_back_to_the_socket(settings):
    settings.DAODAO_TRUSTED_PROXIES = 2
    assert client_ip(request(remote="10.0.0.8", xff="198.51.100.7")) == "10.0.0.8"
    assert client_ip(request(remote="10.0.0.8")) == "10.0.0.8"


def test_garbage_in_the_trusted_position_is_not_an_address(settings):
    settings.DAODAO_TRUSTED_PROXIES = 1
    assert client_ip(request(remote="172.18.0.2", xff="<script>")) == "172.18.0.2"
    assert client_ip(None) is None


def test_axes_uses_it(settings):
    from axes.helpers import get_client_ip_address

    settings.DAODAO_TRUSTED_PROXIES = 1
    assert get_client_ip_address(request(remote="172.18.0.2", xff="203.0.113.9, 198.51.100.7")) == "198.51.100.7"
    settings.DAODAO_TRUSTED_PROXIES = 0
    assert get_client_ip_address(request(remote="172.18.0.2", xff="198.51.100.7")) == "172.18.0.2"
