package proof

import (
	"encoding/binary"
	"image"

	"github.com/disintegration/imaging"
)

// exifOrientation returns the EXIF orientation (1 to 8) of a JPEG: how
// its stored pixels turn to stand upright. It is 1 when the file has
// none, or is no JPEG. Only the segments before the image data are read.
func exifOrientation(data []byte) int {
	if len(data) < 4 || data[0] != 0xff || data[1] != 0xd8 {
		return 1
	}
	for i := 2; i+4 <= len(data) && data[i] == 0xff; {
		marker, n := data[i+1], int(binary.BigEndian.Uint16(data[i+2:]))
		if marker == 0xda || n < 2 || i+2+n > len(data) {
			return 1 // the image data: no EXIF before it
		}
		if seg := data[i+4 : i+2+n]; marker == 0xe1 && len(seg) > 6 && string(seg[:6]) == "Exif\x00\x00" {
			return tiffOrientation(seg[6:])
		}
		i += 2 + n
	}
	return 1
}

// tiffOrientation reads tag 0x0112 from the first IFD of a TIFF header.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var order binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return 1
	}
	ifd := int(order.Uint32(t[4:]))
	if ifd < 8 || ifd+2 > len(t) {
		return 1
	}
	count := int(order.Uint16(t[ifd:]))
	for k := 0; k < count; k++ {
		e := ifd + 2 + 12*k
		if e+12 > len(t) {
			return 1
		}
		if order.Uint16(t[e:]) == 0x0112 && order.Uint16(t[e+2:]) == 3 { // a SHORT
			if o := int(order.Uint16(t[e+8:])); o >= 1 && o <= 8 {
				return o
			}
			return 1
		}
	}
	return 1
}

// quarterTurned reports whether orientation o turns the image a quarter,
// so that its stored width is its upright height.
func quarterTurned(o int) bool { return o >= 5 }

// upright turns img as EXIF orientation o says: a JPEG's YCbCr plane by
// plane, anything else with imaging.
func upright(img image.Image, o int) image.Image {
	if o < 2 || o > 8 {
		return img
	}
	if ycc, ok := img.(*image.YCbCr); ok {
		if turned := turnYCbCr(ycc, o); turned != nil {
			return turned
		}
	}
	switch o {
	case 2:
		return imaging.FlipH(img)
	case 3:
		return imaging.Rotate180(img)
	case 4:
		return imaging.FlipV(img)
	case 5:
		return imaging.Transpose(img)
	case 6:
		return imaging.Rotate270(img)
	case 7:
		return imaging.Transverse(img)
	case 8:
		return imaging.Rotate90(img)
	}
	return img
}

// turnYCbCr turns src as EXIF orientation o says, plane by plane; nil
// for a subsampling a quarter turn would change (4:2:2, 4:4:0) or that
// it does not know.
func turnYCbCr(src *image.YCbCr, o int) *image.YCbCr {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	if quarterTurned(o) {
		if r := src.SubsampleRatio; r != image.YCbCrSubsampleRatio444 && r != image.YCbCrSubsampleRatio420 {
			return nil
		}
		w, h = h, w
	}
	return mapPlanes(src, w, h, src.SubsampleRatio, func(dst, src plane) { turnPlane(dst, src, o) })
}

// turnPlane fills dst with src turned as EXIF orientation o says.
func turnPlane(dst, src plane, o int) {
	at := func(x, y int) uint8 {
		x, y = min(max(x, 0), src.w-1), min(max(y, 0), src.h-1)
		return src.pix[y*src.stride+x]
	}
	inParallel(dst.h, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			row := dst.pix[y*dst.stride : y*dst.stride+dst.w]
			for x := range row {
				switch o {
				case 2: // flip left to right
					row[x] = at(src.w-1-x, y)
				case 3: // turn half round
					row[x] = at(src.w-1-x, src.h-1-y)
				case 4: // flip top to bottom
					row[x] = at(x, src.h-1-y)
				case 5: // transpose
					row[x] = at(y, x)
				case 6: // turn a quarter clockwise
					row[x] = at(y, src.h-1-x)
				case 7: // transverse
					row[x] = at(src.w-1-y, src.h-1-x)
				case 8: // turn a quarter counter-clockwise
					row[x] = at(src.w-1-y, x)
				}
			}
		}
	})
}
