"""Repository overlays can add and raise rules, never weaken the floor."""

from __future__ import annotations

import json
from pathlib import Path

from runtime.guards import guard, policy
from runtime.guards.context import HookContext
from tests.helpers import runtime


def _overlay(root: Path, rules: list[object] | str) -> None:
    path = root / policy.OVERLAY_REL
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(rules if isinstance(rules, str) else json.dumps({"version": 1, "rules": rules}, indent=2))


def _decide(root: Path, command: str) -> str:
    return guard.check_command(command, HookContext(root, "claude", "pre-tool-use", {"cwd": str(root)})).action


NEW_RULE = {"id": "no-vagrant-destroy", "severity": "block",
            "match": {"verb": "vagrant", "sub": ["destroy"]},
            "why": "deletes the development machine and its disks", "safer": "'vagrant halt' stops it and keeps it"}


def test_floor_alone(tmp_path: Path) -> None:
    pol = policy.load(tmp_path)
    assert {"git-reset-hard", "rm-recursive-force", "sql-drop"} <= {r["id"] for r in pol.rules}
    assert pol.rejected == [] and pol.overlay_error == ""


def test_overlay_adds_a_rule(tmp_path: Path) -> None:
    assert _decide(tmp_path, "vagrant destroy -f") == "allow"
    _overlay(tmp_path, [NEW_RULE])
    assert _decide(tmp_path, "sudo vagrant destroy -f") == "deny"
    assert _decide(tmp_path, "vagrant halt") == "allow"


def test_overlay_raises_warn_to_block(tmp_path: Path) -> None:
    assert _decide(tmp_path, "git stash drop") == "warn"
    _overlay(tmp_path, [{"id": "git-stash-drop", "severity": "block"}])
    assert _decide(tmp_path, "git stash drop") == "deny"


def test_overlay_cannot_weaken_and_says_so(tmp_path: Path) -> None:
    _overlay(tmp_path, [
        {"id": "git-reset-hard", "severity": "warn"},
        {"id": "rm-recursive-force", "enabled": False},
        {"id": "git-push-force", "match": {"verb": "nothing"}},
    ])
    pol = policy.load(tmp_path)
    assert len(pol.rejected) == 3
    assert "lower" in pol.rejected[0] and "guard.json:" in pol.rejected[0]
    assert _decide(tmp_path, "git reset --hard") == "deny"
    assert _decide(tmp_path, "rm -rf src") == "deny"
    assert _decide(tmp_path, "git push -f") == "deny"


def test_invalid_new_rule_is_refused_with_its_line(tmp_path: Path) -> None:
    _overlay(tmp_path, [{"id": "half-rule", "severity": "block", "match": {"verb": "x"}}])
    pol = policy.load(tmp_path)
    assert pol.rejected and "why" in pol.rejected[0]
    line = int(pol.rejected[0].split(":")[1])
    assert '"half-rule"' in (tmp_path / policy.OVERLAY_REL).read_text().splitlines()[line - 1]


def test_malformed_overlay_keeps_the_floor_and_notices(tmp_path: Path) -> None:
    _overlay(tmp_path, '{"rules": [\n  {"id": "x",}\n]}')
    pol = policy.load(tmp_path)
    assert pol.overlay_error.startswith(".orchestrator/policy/guard.json:2:")
    assert _decide(tmp_path, "git reset --hard") == "deny"
    ctx = HookContext(tmp_path, "claude", "pre-tool-use", {"cwd": str(tmp_path)})
    notice = guard.check_command("ls", ctx)
    assert notice.action == "warn" and "guard.json:2" in notice.reason


def test_guard_policy_and_banner_report_refusals(rendered_repo: Path) -> None:
    assert (rendered_repo / policy.OVERLAY_REL).is_file()  # rendered by the template
    _overlay(rendered_repo, [{"id": "git-reset-hard", "severity": "warn"}, NEW_RULE])
    listed = runtime(rendered_repo, "guard", "policy")
    assert listed.returncode == 1
    assert "no-vagrant-destroy" in listed.stdout and "refused overlay entries (1)" in listed.stdout
    banner = runtime(rendered_repo, "banner")
    assert "guard overlay entry refused" in banner.stdout
    events = (rendered_repo / ".orchestrator/metrics/events.jsonl").read_text()
    assert "guard.overlay_refused" in events


def test_guard_check_explains(rendered_repo: Path) -> None:
    result = runtime(rendered_repo, "guard", "check", "--", "sudo", "bash", "-c", "git clean -fdx")
    assert result.returncode == 2
    assert "rule git-clean-force" in result.stdout and "via bash -c" in result.stdout
    ok = runtime(rendered_repo, "guard", "check", "--", "git", "clean", "-n")
    assert ok.returncode == 0 and "decision: allow" in ok.stdout


def test_every_shipped_rule_belongs_to_a_pack_and_explains_itself(tmp_path: Path) -> None:
    rules = policy.load(tmp_path).rules
    packs = {r["pack"] for r in rules}
    assert {"git", "filesystem", "infrastructure", "databases"} == packs
    for rule in rules:
        assert rule["why"].strip() and rule["safer"].strip(), rule["id"]
        assert rule.get("enabled", True) is True, rule["id"]


def test_overlay_raises_a_pack_rule_by_id(tmp_path: Path) -> None:
    assert _decide(tmp_path, "terraform apply -auto-approve") == "warn"
    _overlay(tmp_path, [{"id": "terraform-auto-approve", "severity": "block"}])
    assert _decide(tmp_path, "terraform apply -auto-approve") == "deny"
    assert _decide(tmp_path, "docker system prune -f") == "warn"  # the rest of the pack is untouched


def test_overlay_raises_a_whole_pack(tmp_path: Path) -> None:
    _overlay(tmp_path, [{"pack": "infrastructure", "severity": "block"}])
    pol = policy.load(tmp_path)
    assert pol.rejected == []
    infra = [r for r in pol.rules if r["pack"] == "infrastructure"]
    assert infra and all(r["severity"] == "block" for r in infra)
    assert _decide(tmp_path, "docker system prune -f") == "deny"
    assert _decide(tmp_path, "aws lambda delete-function --function-name f") == "deny"
    assert _decide(tmp_path, "git stash drop") == "warn"  # other packs keep their severities


def test_overlay_cannot_switch_off_or_lower_a_pack(tmp_path: Path) -> None:
    _overlay(tmp_path, [
        {"pack": "databases", "enabled": False},
        {"pack": "databases", "severity": "warn"},
        {"id": "sql-truncate", "enabled": False},
        {"id": "kubectl-delete-namespace", "severity": "warn"},
        {"pack": "no-such-pack", "severity": "block"},
    ])
    pol = policy.load(tmp_path)
    assert len(pol.rejected) == 5, pol.rejected
    assert "(pack databases)" in pol.rejected[0] and "enabled" in pol.rejected[0]
    assert "lower" in pol.rejected[1] and "sql-drop" in pol.rejected[1]
    assert "no shipped pack" in pol.rejected[4] and "infrastructure" in pol.rejected[4]
    line = int(pol.rejected[0].split(":")[1])
    assert '"databases"' in (tmp_path / policy.OVERLAY_REL).read_text().splitlines()[line - 1]
    assert _decide(tmp_path, 'psql -c "TRUNCATE users"') == "deny"
    assert _decide(tmp_path, "dropdb shop") == "deny"
    assert _decide(tmp_path, "kubectl delete ns prod") == "deny"


def test_a_rule_with_a_malformed_pack_is_refused(tmp_path: Path) -> None:
    _overlay(tmp_path, [dict(NEW_RULE, pack="Not A Pack")])
    pol = policy.load(tmp_path)
    assert pol.rejected and "pack" in pol.rejected[0]
    assert _decide(tmp_path, "vagrant destroy") == "allow"
