"""The compaction's plan keeps the moved cells' places in arrays; the catalog frame it makes is the one by hand."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from gwangyang.store.catalog import TABLES, Location, decode_schema, encode_schema
from gwangyang.store.compaction_places import Places


def test_places_give_the_frame_written_by_hand() -> None:
    ids = ["셀-가", "셀-나", "셀-다", "셀-라"]
    live = pd.DataFrame({"cell_id": ids, "version": [3, 3, 4, 4]}, index=pd.Index(ids, dtype=object))
    for table in TABLES:
        for part, value in (("file", "old.parquet"), ("rgs", [0]), ("filter", False), ("schema", None)):
            live[f"{table}_{part}"] = pd.Series([value] * 4, index=live.index, dtype=object)
    schema = pa.schema([("cell_id", pa.string()), ("q", pa.float64())])
    places = Places(live.index)
    places.add(  # one run of row groups, none, the whole file (None) and two apart (kept as they are)
        "cycles",
        {
            "셀-다": Location("new-1.parquet", [2, 3], True, schema),
            "셀-가": Location("new-1.parquet", [], True, schema),
            "셀-라": Location("new-2.parquet", None, False, None),
        },
    )
    places.add("timeseries", {"셀-다": Location("new-3.parquet", [5, 7], True, schema)})
    assert len(places) == 3 and places.rows().tolist() == [0, 2, 3]
    frame = places.frame(live, 9)
    assert frame["version"].tolist() == [9, 3, 9, 9]
    assert frame["cycles_file"].tolist() == ["new-1.parquet", "old.parquet", "new-1.parquet", "new-2.parquet"]
    assert frame["cycles_rgs"].tolist() == [[], [0], [2, 3], None]
    assert frame["cycles_filter"].tolist() == [True, False, True, False]
    text = encode_schema(schema)
    assert frame["cycles_schema"].tolist() == [text, None, text, None] and decode_schema(text).equals(schema)
    assert frame["timeseries_rgs"].tolist() == [[0], [0], [5, 7], [0]]
    assert frame["timeseries_file"].tolist()[2] == "new-3.parquet"
    assert live["version"].tolist() == [3, 3, 4, 4] and live["cycles_rgs"].tolist() == [[0]] * 4  # a copy
