#include "acesniper/common/read_file.h"

#include <zlib.h>

#include <fstream>
#include <sstream>

namespace acesniper {

namespace {

bool HasGzipMagic(const std::string& bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f && static_cast<unsigned char>(bytes[1]) == 0x8b;
}

Result<std::string> Gunzip(const std::string& path, const std::string& compressed) {
  z_stream z{};
  // 16 + MAX_WBITS: gzip framing (with its CRC and length check); concatenated members allowed.
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return Status::Internal("zlib initialisation failed");
  std::string out;
  char buf[1 << 16];
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  z.avail_in = static_cast<uInt>(compressed.size());
  int rc = Z_OK;
  while (true) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
    if (rc == Z_STREAM_END) {
      if (z.avail_in == 0) break;
      inflateReset(&z);  // another gzip member follows
      continue;
    }
    if (rc != Z_OK) break;
    if (z.avail_in == 0 && z.avail_out != 0) {
      rc = Z_BUF_ERROR;  // input ended inside a member
      break;
    }
  }
  std::string msg = z.msg ? z.msg : "";
  inflateEnd(&z);
  if (rc == Z_STREAM_END) return out;
  if (rc == Z_BUF_ERROR) return Status::InvalidArgument("'" + path + "' is a truncated gzip file");
  return Status::InvalidArgument("'" + path + "' is a corrupt gzip file" + (msg.empty() ? "" : ": " + msg));
}

}  // namespace

Result<std::string> ReadTextFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::IOError("cannot read '" + path + "'");
  std::ostringstream o;
  o << f.rdbuf();
  std::string bytes = o.str();
  if (HasGzipMagic(bytes)) return Gunzip(path, bytes);
  return bytes;
}

}  // namespace acesniper
