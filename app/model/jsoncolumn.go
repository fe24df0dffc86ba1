package model

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
)

// Text, Strings and Links are stored as JSON in a text column, so that they
// read the same on SQLite and PostgreSQL. These two functions are the one
// place that does it.

// jsonValue stores v as JSON text, or empty when v is nil.
func jsonValue(v any, isNil bool, empty string) (driver.Value, error) {
	if isNil {
		return empty, nil
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// scanJSON reads JSON text from the database into dst; NULL or "" leave dst empty.
func scanJSON(src, dst any, name string) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		return nil
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		return fmt.Errorf("model.%s: cannot scan %T", name, src)
	}
	if len(b) == 0 {
		return nil
	}
	if err := json.Unmarshal(b, dst); err != nil {
		return fmt.Errorf("model.%s: %w", name, err)
	}
	return nil
}
