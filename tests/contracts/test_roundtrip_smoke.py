from hypothesis import given

from oddsproof.contracts import Canonical, decode
from tests.strategies import canonical_objects


@given(canonical_objects)
def test_every_kind_round_trips(obj: Canonical) -> None:
    data = obj.encoded
    again = decode(data)
    assert again == obj
    assert again.encoded == data
