package ingest

import (
	"bytes"
	"customerroom/media"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// ReadVerbatimsJSON reads verbatims from a JSON export: an array of objects
// whose keys are the CSV's column names (French or English, any case or
// accents). Scores may be numbers or strings ("8/10"). Any bad item fails the
// whole file with its position, so an import is all items or none.
func ReadVerbatimsJSON(r io.Reader) ([]media.Verbatim, error) {
	data, err := readExport(r)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '[' {
		return nil, errors.New("JSON verbatim export must be an array of objects")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var items []map[string]any
	if err := dec.Decode(&items); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("malformed JSON at byte %d: %v", se.Offset, err)
		}
		return nil, fmt.Errorf("malformed JSON: %v", err)
	}
	if dec.More() {
		return nil, errors.New("malformed JSON: data after the array")
	}
	var out []media.Verbatim
	for i, it := range items {
		fields := map[string]string{}
		for k, val := range it {
			f, ok := headerAliases[headerKey(k)]
			if !ok {
				continue
			}
			switch x := val.(type) {
			case nil:
			case string:
				fields[f] = x
			case json.Number:
				fields[f] = x.String()
			case bool:
				fields[f] = strconv.FormatBool(x)
			default:
				return nil, fmt.Errorf("JSON item %d: %q must be a string or a number", i+1, k)
			}
		}
		v, err := verbatimFrom(func(f string) string { return fields[f] })
		if err != nil {
			return nil, fmt.Errorf("JSON item %d: %w", i+1, err)
		}
		if v.Text != "" {
			out = append(out, v)
		}
	}
	return out, nil
}
