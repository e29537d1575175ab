// Reads a whole text file, plain or gzip-compressed (the committed dataset is .csv.gz).
#pragma once

#include <string>

#include "acesniper/common/status.h"

namespace acesniper {

// The file's bytes, decompressed when it starts with the gzip magic. Errors name the file: it
// cannot be opened, or its compressed stream is corrupt or truncated.
Result<std::string> ReadTextFile(const std::string& path);

}  // namespace acesniper
