import pytest

from calc import ops


def test_add():
    assert ops.add(2, 3) == 5


def test_subtract():
    assert ops.subtract(5, 3) == 2


def test_multiply():
    assert ops.multiply(4, 2.5) == 10


def test_divide():
    assert ops.divide(9, 3) == 3


def test_divide_by_zero():
    with pytest.raises(ZeroDivisionError):
        ops.divide(1, 0)
