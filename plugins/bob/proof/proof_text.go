package proof

import (
	"math"
	"sort"
	"strings"
	"unicode/utf8"
)

// leadingFactor is the distance between baselines per point of size.
const leadingFactor = 1.2

// sizeStep is the factor by which a text that does not fit is set
// smaller, until the field's minimum size.
const sizeStep = 0.9

// setField sets value in the spec's frame at the largest size from max
// down to min at which it fits; false when it does not fit at min.
func setField(spec fieldSpec, value string) (Block, bool) {
	text, ok := fieldText(value)
	if !ok {
		return Block{}, false
	}
	t := face(spec.bold)
	size := spec.max
	for {
		if lines, ok := wrap(t, text, size, spec.frame); ok {
			return place(spec, t, size, lines), true
		}
		if size <= spec.min {
			return Block{}, false
		}
		size = math.Max(size*sizeStep, spec.min)
	}
}

// fieldText returns the text of a field as it is set, and false when it is
// too long to be looked at.
func fieldText(value string) (string, bool) {
	// more bytes than four a character is more characters than the most
	if len(value) > 4*maxFieldRunes || utf8.RuneCountInString(value) > maxFieldRunes {
		return "", false
	}
	return strings.Trim(cleanText(value), " \n"), true
}

// fits reports whether value fits the spec's frame at its minimum size.
func fits(spec fieldSpec, value string) bool {
	text, ok := fieldText(value)
	if !ok {
		return false
	}
	_, ok = wrap(face(spec.bold), text, spec.min, spec.frame)
	return ok
}

// fitLimit returns the most characters of value's beginning that fit the
// spec's frame at its minimum size.
func fitLimit(spec fieldSpec, value string) int {
	runes := []rune(truncateRunes(value, maxFieldRunes))
	// the first prefix length that does not fit, less one
	n := sort.Search(len(runes)+1, func(k int) bool { return !fits(spec, string(runes[:k])) })
	return max(n-1, 0)
}

// wrap breaks text into lines no wider than frame at size points, at
// spaces and, for a word wider than the frame, between characters. It
// returns false as soon as the lines do not fit the frame's height.
func wrap(t *typeface, text string, size float64, frame Rect) ([]string, bool) {
	if text == "" {
		return nil, true
	}
	limit := int(frame.W / (size * mmPerPt) * 1000) // the width in thousandths of an em
	maxLines := int(frame.H/(size*leadingFactor*mmPerPt) + 1e-9)
	space := t.widths[' ']
	var lines []string
	var cur strings.Builder
	curW := 0
	flush := func() bool {
		lines = append(lines, cur.String())
		cur.Reset()
		curW = 0
		return len(lines) <= maxLines
	}
	for _, para := range strings.Split(text, "\n") {
		for _, word := range strings.Split(para, " ") {
			if word == "" {
				continue
			}
			w := t.width(word)
			if cur.Len() > 0 && curW+space+w <= limit {
				cur.WriteByte(' ')
				cur.WriteString(word)
				curW += space + w
				continue
			}
			if cur.Len() > 0 && !flush() {
				return nil, false
			}
			if w <= limit {
				cur.WriteString(word)
				curW = w
				continue
			}
			// a word wider than the frame: broken between characters,
			// at least one on a line
			for _, r := range word {
				rw := t.widths[r]
				if cur.Len() > 0 && curW+rw > limit && !flush() {
					return nil, false
				}
				cur.WriteRune(r)
				curW += rw
			}
			if curW > limit {
				return nil, false // one character wider than the frame
			}
		}
		if !flush() {
			return nil, false
		}
	}
	return lines, true
}

// place positions lines in the spec's frame.
func place(spec fieldSpec, t *typeface, size float64, lines []string) Block {
	em := size * mmPerPt
	lead := em * leadingFactor
	b := Block{Field: spec.field, Frame: spec.frame, Bold: spec.bold, Size: size, Color: spec.color}
	top := spec.frame.Y
	if spec.middle {
		top += (spec.frame.H - float64(len(lines))*lead) / 2
	}
	// the glyphs' ascent and descent centred in the leading
	base := (lead-float64(t.ascent+t.descent)/1000*em)/2 + float64(t.ascent)/1000*em
	for i, text := range lines {
		w := float64(t.width(text)) / 1000 * em
		x := spec.frame.X
		if spec.center {
			x += (spec.frame.W - w) / 2
		}
		y := top + float64(i)*lead
		b.Lines = append(b.Lines, Line{Text: text, Rect: Rect{x, y, w, lead}, Baseline: y + base})
	}
	return b
}

// setOneLine sets value on one line at the spec's size, smaller if the
// frame is lower than a line, shortened with an ellipsis when too wide:
// for the team's name, which the order's author does not type.
func setOneLine(spec fieldSpec, value string) Block {
	size := math.Min(spec.max, spec.frame.H/(leadingFactor*mmPerPt))
	spec.min = size
	text, _ := fieldText(truncateRunes(value, 200))
	text = strings.Join(strings.Fields(text), " ")
	t := face(spec.bold)
	limit := int(spec.frame.W / (size * mmPerPt) * 1000)
	if t.width(text) > limit {
		ellipsis := "…"
		runes := []rune(text)
		for len(runes) > 0 && t.width(string(runes))+t.widths['…'] > limit {
			runes = runes[:len(runes)-1]
		}
		text = strings.TrimSpace(string(runes)) + ellipsis
		if t.width(text) > limit {
			text = ""
		}
	}
	if text == "" {
		return Block{Field: spec.field, Frame: spec.frame, Bold: spec.bold, Size: size, Color: spec.color}
	}
	return place(spec, t, size, []string{text})
}

func truncateRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}
