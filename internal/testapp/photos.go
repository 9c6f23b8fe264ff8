package testapp

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
)

// What [PhotoWithGPS] writes into a photo's metadata: none of it may reach
// the storage of an app that strips metadata.
const (
	// PhotoPlace is the photo's EXIF ImageDescription and XMP title.
	PhotoPlace = "Bij mevrouw Jansen, Kerkstraat 12"

	// PhotoDatum is the GPS map datum of the photo's position.
	PhotoDatum = "WGS-84"
)

// PhotoWithGPS returns a JPEG of width x height stored pixels, as a phone
// writes one: an APP1 Exif segment with the orientation (1 to 8; 6 is a
// phone held upright, shown turned a quarter clockwise), an image
// description ([PhotoPlace]) and a GPS position (52°22'N 4°38'E, datum
// [PhotoDatum]), then an APP1 XMP segment with the description again.
// The stored pixels are blue with a red top-left quarter, so a test sees
// where the turn put them.
func PhotoWithGPS(width, height int, orientation uint16) []byte {
	img := image.NewYCbCr(image.Rect(0, 0, width, height), image.YCbCrSubsampleRatio420)
	red, blue := ycc(color.RGBA{220, 20, 20, 255}), ycc(color.RGBA{20, 20, 220, 255})
	for y := 0; y < height; y++ {
		for x := 0; x < width; x++ {
			c := blue
			if x < width/2 && y < height/2 {
				c = red
			}
			img.Y[img.YOffset(x, y)] = c.Y
			ci := img.COffset(x, y)
			img.Cb[ci], img.Cr[ci] = c.Cb, c.Cr
		}
	}
	var plain bytes.Buffer
	if err := jpeg.Encode(&plain, img, &jpeg.Options{Quality: 90}); err != nil {
		panic(fmt.Sprintf("encoding a test photo: %v", err))
	}

	xmp := `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
		`<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:exif="http://ns.adobe.com/exif/1.0/"` +
		` exif:GPSLatitude="52,22.0N" exif:GPSLongitude="4,38.0E"><dc:title>` + PhotoPlace + `</dc:title>` +
		`</rdf:Description></rdf:RDF></x:xmpmeta>`

	data := plain.Bytes()
	out := append([]byte{}, data[:2]...) // SOI
	out = append(out, segment(0xe1, append([]byte("Exif\x00\x00"), exifTIFF(orientation)...))...)
	out = append(out, segment(0xe1, append([]byte("http://ns.adobe.com/xap/1.0/\x00"), xmp...))...)
	return append(out, data[2:]...)
}

func ycc(c color.RGBA) color.YCbCr {
	y, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
	return color.YCbCr{Y: y, Cb: cb, Cr: cr}
}

// segment returns a JPEG marker segment.
func segment(marker byte, payload []byte) []byte {
	s := []byte{0xff, marker, 0, 0}
	binary.BigEndian.PutUint16(s[2:], uint16(len(payload)+2))
	return append(s, payload...)
}

// tiffEntry is one entry of a TIFF IFD: its type (1 BYTE, 2 ASCII,
// 3 SHORT, 4 LONG, 5 RATIONAL), count and value bytes (little-endian).
type tiffEntry struct {
	tag, typ uint16
	count    uint32
	value    []byte
}

// exifTIFF returns the TIFF structure of an Exif segment: IFD0 with the
// description, the orientation and a pointer to the GPS IFD.
func exifTIFF(orientation uint16) []byte {
	le := binary.LittleEndian
	short := func(v uint16) []byte { return le.AppendUint16(nil, v) }
	long := func(v uint32) []byte { return le.AppendUint32(nil, v) }
	rationals := func(vs ...uint32) []byte {
		var b []byte
		for _, v := range vs {
			b = le.AppendUint32(le.AppendUint32(b, v), 1)
		}
		return b
	}
	ascii := func(s string) []byte { return append([]byte(s), 0) }

	ifd0 := func(gps uint32) []tiffEntry {
		return []tiffEntry{
			{0x010e, 2, uint32(len(PhotoPlace) + 1), ascii(PhotoPlace)}, // ImageDescription
			{0x0112, 3, 1, short(orientation)},                          // Orientation
			{0x8825, 4, 1, long(gps)},                                   // GPSInfo
		}
	}
	gps := []tiffEntry{
		{0x0000, 1, 4, []byte{2, 3, 0, 0}},                          // GPSVersionID
		{0x0001, 2, 2, ascii("N")},                                  // GPSLatitudeRef
		{0x0002, 5, 3, rationals(52, 22, 0)},                        // GPSLatitude
		{0x0003, 2, 2, ascii("E")},                                  // GPSLongitudeRef
		{0x0004, 5, 3, rationals(4, 38, 0)},                         // GPSLongitude
		{0x0012, 2, uint32(len(PhotoDatum) + 1), ascii(PhotoDatum)}, // GPSMapDatum
	}

	header := []byte{'I', 'I', 42, 0, 8, 0, 0, 0}
	first := tiffIFD(8, ifd0(0))
	first = tiffIFD(8, ifd0(uint32(8+len(first))))
	out := append(header, first...)
	return append(out, tiffIFD(uint32(len(out)), gps)...)
}

// tiffIFD lays out an IFD starting at offset start of the TIFF structure,
// with the values that do not fit an entry right after it.
func tiffIFD(start uint32, entries []tiffEntry) []byte {
	le := binary.LittleEndian
	dataAt := start + 2 + 12*uint32(len(entries)) + 4
	var ifd, data []byte
	ifd = le.AppendUint16(ifd, uint16(len(entries)))
	for _, e := range entries {
		ifd = le.AppendUint16(le.AppendUint16(ifd, e.tag), e.typ)
		ifd = le.AppendUint32(ifd, e.count)
		if len(e.value) <= 4 {
			ifd = append(ifd, append(e.value, make([]byte, 4-len(e.value))...)...)
			continue
		}
		ifd = le.AppendUint32(ifd, dataAt+uint32(len(data)))
		data = append(data, e.value...)
		if len(data)%2 == 1 {
			data = append(data, 0) // values start on a word boundary
		}
	}
	ifd = le.AppendUint32(ifd, 0) // no next IFD
	return append(ifd, data...)
}

// JPEGMetadata returns the metadata segments of a JPEG before its image
// data, each as its marker ("APP1", "COM") and the first bytes of its
// payload: an APPn segment carries EXIF, XMP, ICC profiles or a maker's
// notes, a COM segment text.
func JPEGMetadata(data []byte) []string {
	var found []string
	if len(data) < 4 || data[0] != 0xff || data[1] != 0xd8 {
		return nil
	}
	for i := 2; i+4 <= len(data) && data[i] == 0xff; {
		marker, n := data[i+1], int(binary.BigEndian.Uint16(data[i+2:]))
		if marker == 0xda || n < 2 || i+2+n > len(data) {
			break
		}
		payload := data[i+4 : i+2+n]
		switch {
		case marker >= 0xe0 && marker <= 0xef:
			found = append(found, fmt.Sprintf("APP%d %q", marker-0xe0, payload[:min(len(payload), 12)]))
		case marker == 0xfe:
			found = append(found, fmt.Sprintf("COM %q", payload[:min(len(payload), 12)]))
		}
		i += 2 + n
	}
	return found
}
