// SPDX-License-Identifier: GPL-3.0-or-later
// Train/validation splits (seeded Fisher-Yates on raw mt19937_64 output, or imported index
// lists), index-list files, and subset views of a dataset.
#include "dpsapf/core/image_dataset.h"

#include "dpsapf/core/atomic_file.h"
#include "dpsapf/core/npy.h"

#include <cstring>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>

namespace dpsapf::core {
namespace {

// Uniform in [0, bound) from raw engine output: rejection of the incomplete top block, so the
// result does not depend on any standard-library distribution.
std::uint64_t boundedRandom(std::mt19937_64 &engine, std::uint64_t bound)
{
    const std::uint64_t rejectFrom =
        std::numeric_limits<std::uint64_t>::max() -
        (std::numeric_limits<std::uint64_t>::max() % bound + 1) % bound;
    for (;;) {
        const std::uint64_t value = engine();
        if (value <= rejectFrom) {
            return value % bound;
        }
    }
}

class SubsetDataset final : public ImageDataset
{
public:
    SubsetDataset(std::shared_ptr<ImageDataset> parent, std::vector<std::int64_t> indices)
        : m_parent(std::move(parent))
        , m_indices(std::move(indices))
    {
        for (const std::int64_t index : m_indices) {
            if (index < 0 || index >= m_parent->size()) {
                throw std::out_of_range("subset: index " + std::to_string(index) + " outside [0, " +
                                        std::to_string(m_parent->size()) + ")");
            }
        }
    }
    std::int64_t size() const override { return static_cast<std::int64_t>(m_indices.size()); }
    Image image(std::int64_t index) const override { return m_parent->image(parentIndex(index)); }
    std::int64_t label(std::int64_t index) const override
    {
        return m_parent->label(parentIndex(index));
    }
    const std::vector<std::string> &classNames() const override { return m_parent->classNames(); }
    std::string description() const override
    {
        return std::to_string(m_indices.size()) + " records of " + m_parent->description();
    }

private:
    std::int64_t parentIndex(std::int64_t index) const
    {
        return m_indices.at(static_cast<std::size_t>(index));
    }

    std::shared_ptr<ImageDataset> m_parent;
    std::vector<std::int64_t> m_indices;
};

} // namespace

Expected<SplitIndices> splitTrainValidation(std::int64_t n, std::int64_t trainSize,
                                            std::uint64_t seed)
{
    if (n < 0 || trainSize < 0 || trainSize > n) {
        return makeError(ErrorCode::InvalidArgument,
                         "split: train size " + std::to_string(trainSize) +
                             " must lie in [0, dataset size " + std::to_string(n) + "]");
    }
    std::vector<std::int64_t> permutation(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) {
        permutation[static_cast<std::size_t>(i)] = i;
    }
    std::mt19937_64 engine(seed);
    for (std::int64_t i = n - 1; i > 0; --i) {
        const auto j = boundedRandom(engine, static_cast<std::uint64_t>(i) + 1);
        std::swap(permutation[static_cast<std::size_t>(i)], permutation[j]);
    }
    SplitIndices split;
    const auto cut = permutation.begin() + static_cast<std::ptrdiff_t>(trainSize);
    split.train.assign(permutation.begin(), cut);
    split.validation.assign(cut, permutation.end());
    return split;
}

Expected<SplitIndices> splitFromTrainIndices(std::int64_t n, std::vector<std::int64_t> trainIndices)
{
    if (n < 0) {
        return makeError(ErrorCode::InvalidArgument, "split: negative dataset size");
    }
    std::vector<bool> taken(static_cast<std::size_t>(n), false);
    for (std::size_t i = 0; i < trainIndices.size(); ++i) {
        const std::int64_t index = trainIndices[i];
        if (index < 0 || index >= n) {
            return makeError(ErrorCode::InvalidArgument,
                             "split: train index " + std::to_string(index) + " (position " +
                                 std::to_string(i) + ") outside [0, " + std::to_string(n) + ")");
        }
        if (taken[static_cast<std::size_t>(index)]) {
            return makeError(ErrorCode::InvalidArgument, "split: train index " +
                                                             std::to_string(index) +
                                                             " appears more than once");
        }
        taken[static_cast<std::size_t>(index)] = true;
    }
    SplitIndices split;
    split.train = std::move(trainIndices);
    for (std::int64_t i = 0; i < n; ++i) {
        if (!taken[static_cast<std::size_t>(i)]) {
            split.validation.push_back(i);
        }
    }
    return split;
}

Expected<std::vector<std::int64_t>> readIndexList(const std::filesystem::path &path)
{
    std::vector<std::int64_t> indices;
    if (path.extension() == ".npy") {
        Expected<RawTensor> tensor = readNpy(path);
        if (!tensor) {
            return tensor.error();
        }
        const RawTensor &array = tensor.value();
        if (array.shape.size() != 1) {
            return makeError(ErrorCode::Format, path.string() + ": index list must be 1-D, got " +
                                                    std::to_string(array.shape.size()) +
                                                    " dimensions");
        }
        const auto count = static_cast<std::size_t>(array.shape[0]);
        indices.resize(count);
        for (std::size_t i = 0; i < count; ++i) {
            if (array.dtype == TensorDType::I64) {
                std::memcpy(&indices[i], array.bytes.data() + 8 * i, 8);
            } else if (array.dtype == TensorDType::I32) {
                std::int32_t value = 0;
                std::memcpy(&value, array.bytes.data() + 4 * i, 4);
                indices[i] = value;
            } else if (array.dtype == TensorDType::U8) {
                indices[i] = array.bytes[i];
            } else {
                return makeError(ErrorCode::Format,
                                 path.string() + ": index list must be integers, got dtype " +
                                     dtypeName(array.dtype));
            }
        }
        return indices;
    }
    Expected<std::string> text = readWholeFile(path);
    if (!text) {
        return text.error();
    }
    std::string content = text.value();
    for (char &c : content) {
        if (c == ',' || c == '[' || c == ']') {
            c = ' ';
        }
    }
    std::istringstream stream(content);
    std::string token;
    while (stream >> token) {
        std::size_t used = 0;
        std::int64_t value = 0;
        try {
            value = std::stoll(token, &used);
        } catch (const std::exception &) {
            used = 0;
        }
        if (used != token.size()) {
            return makeError(ErrorCode::Format, path.string() + ": '" + token +
                                                    "' is not an integer index (entry " +
                                                    std::to_string(indices.size()) + ")");
        }
        indices.push_back(value);
    }
    return indices;
}

Expected<bool> writeIndexList(const std::filesystem::path &path,
                              const std::vector<std::int64_t> &indices)
{
    RawTensor tensor;
    tensor.dtype = TensorDType::I64;
    tensor.shape = {static_cast<std::int64_t>(indices.size())};
    tensor.bytes.resize(indices.size() * 8);
    if (!indices.empty()) {
        std::memcpy(tensor.bytes.data(), indices.data(), tensor.bytes.size());
    }
    return writeNpy(path, tensor);
}

std::shared_ptr<ImageDataset> subset(std::shared_ptr<ImageDataset> dataset,
                                     std::vector<std::int64_t> indices)
{
    return std::make_shared<SubsetDataset>(std::move(dataset), std::move(indices));
}

} // namespace dpsapf::core
