package hooks

import (
	"encoding/json/jsontext"
	"encoding/json/v2"
	"slices"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/types"
)

// PocketBase encodes a record as JSON through its MarshalJSON: the record's
// fields into a byte slice, which the encoder of the answer then reads
// again to check and copy it; an expanded record is encoded inside its
// parent's, so its bytes are read twice more. For a feed page (20 posts,
// author and team expanded) that was a third of the server's CPU per
// request (docs/BENCHMARKS.md, "Cheaper reads: records encoded streamed").
// Encoding the same fields straight into the answer's encoder, with the
// same options, writes the same bytes once, and without the reflection
// over a map of any for the common values.

// StreamedRecords holds records (a *core.Record, []*core.Record or
// anything holding them, such as a list's items) so that they are encoded
// into the answer's JSON encoder directly. The bytes are the same as
// PocketBase's own encoding: the record's PublicExport with its keys
// sorted, as Record.MarshalJSON writes it, expanded records likewise.
type StreamedRecords struct {
	Value any
}

// MarshalJSONTo encodes the held value into enc, every record in it
// streamed.
func (s StreamedRecords) MarshalJSONTo(enc *jsontext.Encoder) error {
	return json.MarshalEncode(enc, s.Value, streamedRecordOptions)
}

// streamedRecordOptions encode a record (by pointer or value) as
// [encodeRecord] does.
var streamedRecordOptions = json.WithMarshalers(json.JoinMarshalers(
	json.MarshalToFunc(func(enc *jsontext.Encoder, r *core.Record) error {
		if r == nil {
			return enc.WriteToken(jsontext.Null)
		}
		return encodeRecord(enc, r)
	}),
	json.MarshalToFunc(func(enc *jsontext.Encoder, r core.Record) error {
		return encodeRecord(enc, &r)
	}),
))

// recordJSONOptions are the options of Record.MarshalJSON beyond its
// encoder's (AllowDuplicateNames and AllowInvalidUTF8, the answer's
// encoder's too: see router.Event.JSON).
var recordJSONOptions = json.Deterministic(true)

// encodeRecord writes r's PublicExport into enc as Record.MarshalJSON
// does: an object with its keys in byte order (json.Deterministic), each
// value as json.Marshal writes it. The common values (text, flags, lists
// of ids, dates, expanded records) are written directly, without the
// reflection of a map of any; the rest through json.MarshalEncode.
func encodeRecord(enc *jsontext.Encoder, r *core.Record) error {
	return encodeObject(enc, r.PublicExport())
}

// encodeObject writes m with its keys sorted, as json.Marshal does with
// json.Deterministic.
func encodeObject(enc *jsontext.Encoder, m map[string]any) error {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if err := enc.WriteToken(jsontext.BeginObject); err != nil {
		return err
	}
	for _, k := range keys {
		if err := enc.WriteToken(jsontext.String(k)); err != nil {
			return err
		}
		if err := encodeValue(enc, m[k]); err != nil {
			return err
		}
	}
	return enc.WriteToken(jsontext.EndObject)
}

func encodeValue(enc *jsontext.Encoder, v any) error {
	switch v := v.(type) {
	case string:
		return enc.WriteToken(jsontext.String(v))
	case bool:
		return enc.WriteToken(jsontext.Bool(v))
	case []string:
		if v == nil {
			break // json/v2 has its own way with nil
		}
		if err := enc.WriteToken(jsontext.BeginArray); err != nil {
			return err
		}
		for _, s := range v {
			if err := enc.WriteToken(jsontext.String(s)); err != nil {
				return err
			}
		}
		return enc.WriteToken(jsontext.EndArray)
	case types.DateTime:
		// a method of its own (the date as text), as json.Marshal calls it
		b, err := v.MarshalJSON()
		if err != nil {
			return json.MarshalEncode(enc, v, recordJSONOptions)
		}
		return enc.WriteValue(b)
	case map[string]any:
		if v == nil {
			break
		}
		return encodeObject(enc, v)
	case *core.Record:
		if v == nil {
			return enc.WriteToken(jsontext.Null)
		}
		return encodeRecord(enc, v)
	case []*core.Record:
		if v == nil {
			break
		}
		if err := enc.WriteToken(jsontext.BeginArray); err != nil {
			return err
		}
		for _, r := range v {
			if err := encodeValue(enc, r); err != nil {
				return err
			}
		}
		return enc.WriteToken(jsontext.EndArray)
	}
	return json.MarshalEncode(enc, v, recordJSONOptions)
}

// bindStreamedRecords makes list answers encode their records streamed
// ([StreamedRecords]). An answer with a "fields" parameter is left to
// PocketBase: its field picker reads the data as PocketBase hands it over.
// A view, create or update answer stays PocketBase's too: PocketBase hands
// the record itself to the encoder, and it is one record.
func bindStreamedRecords(app core.App) {
	app.OnRecordsListRequest().Bind(&hook.Handler[*core.RecordsListRequestEvent]{
		Id: "buurtpleinStreamedRecords",
		// last, so that any handler before it sees the items as PocketBase
		// made them
		Priority: 1 << 20,
		Func: func(e *core.RecordsListRequestEvent) error {
			if e.Result != nil && e.Request.URL.Query().Get("fields") == "" {
				if _, ok := e.Result.Items.(StreamedRecords); !ok {
					e.Result.Items = StreamedRecords{e.Result.Items}
				}
			}
			return e.Next()
		},
	})
}
