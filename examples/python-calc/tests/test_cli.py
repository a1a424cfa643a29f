from calc.cli import main


def test_cli_adds(capsys):
    assert main(["add", "2", "3"]) == 0
    assert capsys.readouterr().out.strip() == "5.0"


def test_cli_rejects_unknown_op(capsys):
    assert main(["pow", "2", "3"]) == 2
