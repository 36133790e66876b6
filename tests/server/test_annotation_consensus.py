"""The server's consensus is the desktop app's (`mastoc.domain.annotations.consensus`), ties included."""

from __future__ import annotations

from mastoc.domain import annotations as ann

SETS = [
    # (hold, [(user, annotation)]) — ties in every dimension, notes-only rows, a clear majority
    (829001, [("user1", {"grip_type": "pince", "condition": "ok", "difficulty": "dure"}),
              ("user2", {"grip_type": "bac", "condition": "cassee", "difficulty": "facile"})]),
    (829002, [("user1", {"grip_type": "bac", "condition": "sale"}), ("user2", {"grip_type": "pince"}),
              ("user3", {"grip_type": "bac", "notes": "n"}), ("user4", {"notes": "only notes"})]),
    (829003, [("user1", {"condition": "tournee"}), ("user2", {"condition": "usee"}), ("user3", {"condition": "tournee"}),
              ("user4", {"condition": "usee"}), ("user5", {"difficulty": "normale"})]),
]


def test_server_and_client_agree_on_constructed_sets(api, seeded):
    headers = {u: api.user(u) for u in ("user1", "user2", "user3", "user4", "user5")}
    for hold, votes in SETS:
        for user, body in votes:
            assert api.put(f"/api/holds/{hold}/annotations", json=body, headers=headers[user]).status_code == 200
        server = api.get(f"/api/holds/{hold}/annotations", headers=headers["user1"]).json()["consensus"]
        client = ann.consensus([body for _u, body in votes]).as_dict()
        assert server == client, hold
    # and the documented tie rule, spelled out
    tie = api.get("/api/holds/829003/annotations", headers=headers["user1"]).json()["consensus"]
    assert (tie["condition"], tie["condition_votes"], tie["condition_confidence"]) == ("usee", 2, 0.5)
