"""A run's identity: formatting and key order do not hide a duplicate; a changed value does."""

from __future__ import annotations

from aal_desktop.core.run_identity import KeyChange, RunIdentity, canonical_config, config_changes

YAML_A = "optimizer:\n  lr: 0.001\n  name: adamw\nepochs: 12\n"
YAML_B = "epochs:   12\noptimizer: {name: adamw, lr: 0.001}   # same, reordered\n"
JSON_A = '{"epochs": 12, "optimizer": {"lr": 0.001, "name": "adamw"}}'


def test_key_order_and_spacing_do_not_change_the_hash() -> None:
    a = canonical_config("train.yaml", YAML_A)
    b = canonical_config("train.yml", YAML_B)
    c = canonical_config("train.json", JSON_A)
    assert a is not None and b is not None and c is not None
    assert a.structured and a.sha256.startswith("sha256:")
    assert a.sha256 == b.sha256 == c.sha256


def test_a_changed_learning_rate_changes_the_hash_and_is_the_one_change() -> None:
    a = canonical_config("train.yaml", YAML_A)
    b = canonical_config("train.yaml", YAML_A.replace("0.001", "0.0005"))
    assert a is not None and b is not None
    assert a.sha256 != b.sha256
    assert config_changes(a.data, b.data) == [KeyChange("optimizer.lr", 0.001, 0.0005)]


def test_added_and_removed_keys_are_changes() -> None:
    assert config_changes({"a": 1}, {"b": 2}) == [KeyChange("a", 1, None), KeyChange("b", None, 2)]


def test_other_files_are_compared_by_raw_text() -> None:
    a = canonical_config("train.cfg", "[train]\nlr = 1\n")
    b = canonical_config("train.cfg", "[train]\nlr  = 1\n")
    assert a is not None and b is not None
    assert a.sha256.startswith("raw-sha256:") and not a.structured
    assert a.sha256 != b.sha256
    assert canonical_config("x.yaml", None) is None


def test_identity_ignores_dataset_order_and_framework_spelling() -> None:
    one = RunIdentity.of(["v2", "v1"], 3, "PyTorch  2.3", "sha256:ab")
    two = RunIdentity.of(["v1", "v2", "v1"], 3, "pytorch 2.3", "sha256:ab")
    assert one == two and one.key() == two.key()
    assert RunIdentity.of(["v1"], 3, "pytorch 2.3", "sha256:ab").key() != one.key()
    assert RunIdentity.of(["v1", "v2"], 4, "pytorch 2.3", "sha256:ab").key() != one.key()
