package proof

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/jpeg"
	"runtime"
	"sync"
)

// mcu is the side of a JPEG minimum coded unit as Go's encoder writes
// colour (4:2:0): 16 x 16 pixels.
const mcu = 16

// encodeJPEG encodes img as a baseline JPEG. Go's encoder runs on one
// core, so a large image is encoded as horizontal strips on all cores
// and the strips are joined into one JPEG with restart markers: each
// strip's entropy-coded data starts with reset DC predictions and ends on
// a byte boundary, which is what a restart interval is. The pixels decode
// the same as from a single encoding.
func encodeJPEG(img image.Image, quality int) ([]byte, error) {
	b := img.Bounds()
	opts := &jpeg.Options{Quality: quality}
	parts := runtime.GOMAXPROCS(0)
	mcuRows := (b.Dy() + mcu - 1) / mcu
	rowsPerStrip := (mcuRows + parts - 1) / parts
	interval := rowsPerStrip * ((b.Dx() + mcu - 1) / mcu) // MCUs per strip
	_, gray := img.(*image.Gray)
	if parts < 2 || mcuRows < 2*parts || interval > 0xffff || gray {
		var buf bytes.Buffer
		err := jpeg.Encode(&buf, img, opts)
		return buf.Bytes(), err
	}
	stripH := rowsPerStrip * mcu
	strips := make([][]byte, (b.Dy()+stripH-1)/stripH)
	errs := make([]error, len(strips))
	var wg sync.WaitGroup
	for i := range strips {
		wg.Go(func() {
			r := image.Rect(b.Min.X, b.Min.Y+i*stripH, b.Max.X, min(b.Max.Y, b.Min.Y+(i+1)*stripH))
			var buf bytes.Buffer
			buf.Grow(r.Dx() * r.Dy() / 4)
			errs[i] = jpeg.Encode(&buf, subImage(img, r), opts)
			strips[i] = buf.Bytes()
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return joinStrips(strips, b.Dy(), interval)
}

// joinStrips joins JPEG strips of the same width, tables and interval
// MCUs each (the last may have fewer) into one JPEG height pixels high.
func joinStrips(strips [][]byte, height, interval int) ([]byte, error) {
	sof, sos, data, err := jpegSegments(strips[0])
	if err != nil {
		return nil, err
	}
	size := 0
	for _, s := range strips {
		size += len(s)
	}
	out := make([]byte, 0, size+16)
	out = append(out, strips[0][:sos]...)
	binary.BigEndian.PutUint16(out[sof+5:], uint16(height)) // SOF0: marker, length, precision, then the height
	out = append(out, 0xff, 0xdd, 0, 4, byte(interval>>8), byte(interval))
	out = append(out, strips[0][sos:data]...)
	for i, s := range strips {
		_, _, start, err := jpegSegments(s)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			out = append(out, 0xff, byte(0xd0+(i-1)%8)) // RST0 … RST7, in turn
		}
		out = append(out, s[start:len(s)-2]...) // the entropy-coded data, without EOI
	}
	return append(out, 0xff, 0xd9), nil
}

// jpegSegments returns the offsets of the SOF0 and SOS markers in a
// baseline JPEG from Go's encoder, and where its entropy-coded data
// starts; the data runs to the closing EOI.
func jpegSegments(b []byte) (sof, sos, data int, err error) {
	bad := errors.New("proof: not a JPEG as encoded")
	if len(b) < 4 || b[0] != 0xff || b[1] != 0xd8 || b[len(b)-2] != 0xff || b[len(b)-1] != 0xd9 {
		return 0, 0, 0, bad
	}
	sof = -1
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xff {
			return 0, 0, 0, bad
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		switch b[i+1] {
		case 0xc0:
			sof = i
		case 0xda:
			if sof < 0 || sof+9 > len(b) {
				return 0, 0, 0, bad
			}
			return sof, i, i + 2 + n, nil
		}
		i += 2 + n
	}
	return 0, 0, 0, bad
}
