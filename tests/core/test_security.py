from core.security import hash_password, verify_password


def test_password_round_trip_and_wrong_password() -> None:
    stored = hash_password("助力2026")
    assert stored.startswith("scrypt$")
    assert verify_password("助力2026", stored)
    assert not verify_password("助力2025", stored)
    assert not verify_password("助力2026", None)
    assert hash_password("助力2026") != stored  # salted
