package transfer

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/ogptracker/ogptracker/app/model"
)

// Kind is the format of a file to import.
type Kind string

const (
	KindOGPCSV Kind = "ogp-csv" // OGP's commitment-data CSV
	KindJSON   Kind = "json"    // the tracker's own format
)

// File is a file read for an import: its data, its kind, and the columns of
// a CSV that are not imported.
type File struct {
	Kind           Kind
	Dataset        *model.Dataset
	UnknownColumns []string
}

// ErrUnknownKind is returned for a file that is neither a CSV nor the
// tracker's JSON, before anything is read from it.
var ErrUnknownKind = errors.New("is neither OGP's commitment-data CSV nor the tracker's JSON")

// SniffKind says which format content is in: the name's extension when it
// is .csv or .json, else the first character ({ for JSON). A name with
// another extension whose content starts like neither is ErrUnknownKind.
func SniffKind(name string, content []byte) (Kind, error) {
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(content, []byte("\xef\xbb\xbf")), " \t\r\n")
	switch ext := strings.ToLower(filepath.Ext(name)); {
	case ext == ".json":
		return KindJSON, nil
	case ext == ".csv":
		return KindOGPCSV, nil
	case len(trimmed) > 0 && trimmed[0] == '{':
		return KindJSON, nil
	case ext == "" || ext == ".txt":
		return KindOGPCSV, nil
	}
	return "", fmt.Errorf("%s %w", name, ErrUnknownKind)
}

// ReadFile reads either format, named by name (only its extension counts),
// and refuses the data with every problem found: a *RowError or RowErrors
// for a CSV, a *model.DatasetError for JSON.
func ReadFile(name string, content []byte) (*File, error) {
	kind, err := SniffKind(name, content)
	if err != nil {
		return nil, err
	}
	r := bufio.NewReader(bytes.NewReader(content))
	if kind == KindJSON {
		ds, err := ReadJSON(r)
		if err != nil {
			return nil, err
		}
		return &File{Kind: kind, Dataset: ds}, nil
	}
	f, err := ReadOGPCSVFile(r)
	if err != nil {
		return nil, err
	}
	return &File{Kind: kind, Dataset: f.Dataset, UnknownColumns: f.UnknownColumns}, nil
}

// Refusals lists the problems err names, one line each ("row 4, column
// Start Date: …", "plans[0].title: …").
func Refusals(err error) []string {
	var many RowErrors
	if errors.As(err, &many) {
		out := make([]string, len(many))
		for i, e := range many {
			out[i] = e.Error()
		}
		return out
	}
	return []string{err.Error()}
}
