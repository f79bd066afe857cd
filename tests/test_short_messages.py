"""One-line output (concise, hooks): the headline of a long message stays under 100
characters where the message gives a place to cut."""

from aicodeguard.report.text import SHORT_LIMIT, short_message


def test_a_long_first_clause_loses_its_asides_then_its_consequence():
    random_message = ("`random.choices` is predictable (its state can be recovered from a few "
                      "outputs) but its value becomes the `password=` argument; use the "
                      "`secrets` module")
    assert short_message(random_message) == (
        "`random.choices` is predictable but its value becomes the `password=` argument …")
    tls = ("`verify=False` makes `httpx.AsyncClient` accept any certificate, so anyone on the "
           "network path can read and change the traffic; keep verification on")
    assert short_message(tls) == "`verify=False` makes `httpx.AsyncClient` accept any certificate …"
    assert len(short_message(tls)) < SHORT_LIMIT


def test_code_in_backticks_keeps_its_parentheses():
    message = ("`set_verify(VERIFY_NONE)` on `OpenSSL.SSL.Context(method)` turns off certificate "
               "checks for every connection made from this context and its children; use VERIFY_PEER")
    assert "`set_verify(VERIFY_NONE)`" in short_message(message)
    assert "`OpenSSL.SSL.Context(method)`" in short_message(message)
