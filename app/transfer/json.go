package transfer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/ogptracker/ogptracker/app/model"
)

// WriteJSON writes ds in the tracker's JSON format (FORMAT.md). It sets
// ds.Format and sorts ds's lists in place, so that the same data always
// gives the same bytes: diffs of two exports show only real changes.
func WriteJSON(w io.Writer, ds *model.Dataset) error {
	ds.Format = model.DatasetFormat
	sortDataset(ds)
	// Empty lists read as [] rather than null.
	ds.Agencies = orEmpty(ds.Agencies)
	ds.Organisations = orEmpty(ds.Organisations)
	ds.Contacts = orEmpty(ds.Contacts)
	ds.Plans = orEmpty(ds.Plans)
	for i := range ds.Plans {
		ds.Plans[i].Themes = orEmpty(ds.Plans[i].Themes)
		ds.Plans[i].Commitments = orEmpty(ds.Plans[i].Commitments)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // keep "<" and "&" readable; the file is data, not HTML
	if err := enc.Encode(ds); err != nil {
		return fmt.Errorf("writing the dataset: %w", err)
	}
	return nil
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// ReadJSON reads a dataset in the tracker's JSON format and checks it whole:
// the format, every field, every record's validation and every reference
// between records. A problem is reported with its place, as a
// *model.DatasetError such as
// `plans[0].commitments[3].lead_agency: unknown agency "XYZ"`.
func ReadJSON(r io.Reader) (*model.Dataset, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading the dataset: %w", err)
	}
	// encoding/json would store bytes that are not UTF-8 (a file saved as
	// Latin-1) as U+FFFD: refuse them, where they are.
	if !utf8.Valid(data) {
		offset := int64(invalidUTF8At(data))
		err := fmt.Errorf("line %d: %s (is the file saved in another encoding, such as Latin-1?)", lineAt(data, offset), model.MsgNotUTF8)
		if path := pathAt(data, offset); path != "" {
			return nil, &model.DatasetError{Path: path, Err: err}
		}
		return nil, err
	}
	// The format first: another format's fields would only read as unknown.
	var head struct {
		Format *string `json:"format"`
	}
	if json.Unmarshal(data, &head) == nil {
		switch {
		case head.Format == nil:
			return nil, &model.DatasetError{Path: "format", Err: fmt.Errorf("is missing; expected %q", model.DatasetFormat)}
		case *head.Format != model.DatasetFormat:
			return nil, &model.DatasetError{Path: "format", Err: fmt.Errorf("%q is not %q", *head.Format, model.DatasetFormat)}
		}
	}

	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var ds model.Dataset
	if err := dec.Decode(&ds); err != nil {
		return nil, decodeError(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("line %d: unexpected data after the dataset", lineAt(data, dec.InputOffset()))
	}
	if err := checkDataset(&ds); err != nil {
		return nil, err
	}
	return &ds, nil
}

// invalidUTF8At is the offset of the first byte that is not UTF-8.
func invalidUTF8At(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(data)
}

// decodeError places err, which encoding/json often reports without a
// position, at the path and line of the first value that does not fit.
func decodeError(data []byte, err error) error {
	path, offset, problem := locate(data)
	switch {
	case problem == nil: // not found again: report what encoding/json said
		return fmt.Errorf("reading the dataset: %w", err)
	case path == "":
		return fmt.Errorf("line %d: %w", lineAt(data, offset), problem)
	}
	return &model.DatasetError{Path: path, Err: fmt.Errorf("line %d: %w", lineAt(data, offset), problem)}
}

// lineAt is the line number of the byte at offset.
func lineAt(data []byte, offset int64) int {
	return bytes.Count(data[:min(int(offset), len(data))], []byte("\n")) + 1
}
