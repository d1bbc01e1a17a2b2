"""exobot/console/accounts.py: scrypt hashes with a salt per account, and the lock after five wrong passwords."""

import hashlib

from exobot.console.accounts import (
    LOCK_SECONDS,
    LOCKED,
    OK,
    WRONG,
    hash_password,
    log_in,
    password_problem,
    save_account,
    valid_name,
    verify_password,
)

PASSWORD = "correct horse battery staple"


def test_a_password_is_stored_as_an_scrypt_key_with_its_own_salt():
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)

    scheme, n, r, p, salt, key = first.split("$")
    assert (scheme, n, r, p) == ("scrypt", str(2**14), "8", "1") and len(bytes.fromhex(salt)) == 16
    assert first != second  # a new salt each time
    assert PASSWORD not in first
    expected = hashlib.scrypt(PASSWORD.encode(), salt=bytes.fromhex(salt), n=2**14, r=8, p=1, dklen=32)
    assert bytes.fromhex(key) == expected


def test_only_the_right_password_verifies():
    stored = hash_password(PASSWORD)
    assert verify_password(PASSWORD, stored)
    assert not verify_password(PASSWORD + " ", stored)
    assert not verify_password(PASSWORD, stored.replace("scrypt", "md5"))
    assert not verify_password(PASSWORD, "not a hash")


def test_new_passwords_must_match_and_be_long_enough():
    assert password_problem(PASSWORD, PASSWORD) is None
    assert password_problem(PASSWORD, PASSWORD + "x") == "mismatch"
    assert password_problem("short", "short") == "short"
    assert password_problem("x" * 2000, "x" * 2000) == "long"


def test_account_names_are_plain():
    assert valid_name("alice") and valid_name("dr.smith@clinic")
    assert not valid_name("") and not valid_name("<b>") and not valid_name("a b") and not valid_name("x" * 81)


def test_the_fifth_wrong_password_locks_the_account_for_15_minutes(database, now):
    save_account(database, "alice", PASSWORD, now)

    outcomes = [log_in(database, "alice", "wrong password", now + i).outcome for i in range(4)]
    fifth = log_in(database, "alice", "wrong password", now + 4)
    sixth = log_in(database, "alice", PASSWORD, now + 5)

    assert outcomes == [WRONG] * 4
    assert fifth.outcome == LOCKED and fifth.just_locked and fifth.locked_until == now + 4 + LOCK_SECONDS
    assert sixth.outcome == LOCKED and not sixth.just_locked  # refused even with the right password
    assert log_in(database, "alice", PASSWORD, now + 4 + LOCK_SECONDS - 1).outcome == LOCKED
    assert log_in(database, "alice", PASSWORD, now + 4 + LOCK_SECONDS + 1).outcome == OK


def test_a_right_password_resets_the_count_of_wrong_ones(database, now):
    save_account(database, "alice", PASSWORD, now)
    for i in range(4):
        log_in(database, "alice", "wrong", now + i)
    assert log_in(database, "alice", PASSWORD, now + 5).outcome == OK
    assert [log_in(database, "alice", "wrong", now + 6 + i).outcome for i in range(4)] == [WRONG] * 4


def test_an_unknown_name_is_refused_like_a_wrong_password(database, now):
    assert log_in(database, "nobody", PASSWORD, now).outcome == WRONG


def test_saving_an_existing_account_gives_it_a_new_password_and_unlocks_it(database, now):
    assert save_account(database, "alice", PASSWORD, now) is True
    for i in range(5):
        log_in(database, "alice", "wrong", now + i)

    assert save_account(database, "alice", "another long password", now + 10) is False

    assert log_in(database, "alice", PASSWORD, now + 11).outcome == WRONG
    assert log_in(database, "alice", "another long password", now + 12).outcome == OK
