// SPDX-License-Identifier: GPL-3.0-or-later
// Class prompts: explicit, the reference's tables (dm-lora/dataset_bench.py::get_prompt), or a
// template.
#include "pipeline/class_prompts.h"

#include "dpsapf/core/image_dataset.h"

namespace dpsapf::core {

namespace {

struct PromptTable {
    std::vector<std::string> classNames;
    std::vector<std::string> prompts;
};

const std::vector<PromptTable> &referenceTables()
{
    static const std::vector<PromptTable> tables{
        {fashionMnistClassNames(),
         {"A grayscale image of a T-shirt", "A grayscale image of a Trouser",
          "A grayscale image of Pullover", "A grayscale image of Dress",
          "A grayscale image of Coat", "A grayscale image of Sandal", "A grayscale image of Shirt",
          "A grayscale image of Sneaker", "A grayscale image of Bag",
          "A grayscale image of Ankle boot"}},
        {{"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"},
         {"An image of an airplane", "An image of an automobile", "An image of a bird",
          "An image of a cat", "An image of a deer", "An image of a dog", "An image of a frog",
          "An image of a horse", "An image of a ship", "An image of a truck"}},
        {{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"},
         {"A grayscale image of a handwritten digit 0",
          "A grayscale image of a handwritten digit 1", "A grayscale image of hand-written 2",
          "A grayscale image of hand-written 3", "A grayscale image of hand-written 4",
          "A grayscale image of hand-written 5", "A grayscale image of hand-written 6",
          "A grayscale image of hand-written 7", "A grayscale image of hand-written 8",
          "A grayscale image of hand-written 9"}},
    };
    return tables;
}

std::string fillTemplate(std::string text, const std::string &className)
{
    const std::string marker = "{class}";
    for (std::size_t at = text.find(marker); at != std::string::npos;
         at = text.find(marker, at + className.size())) {
        text.replace(at, marker.size(), className);
    }
    return text;
}

} // namespace

Expected<std::vector<std::string>> resolveClassPrompts(const PromptSettings &settings,
                                                       const std::vector<std::string> &classNames)
{
    if (!settings.classPrompts.empty()) {
        if (settings.classPrompts.size() != classNames.size()) {
            return makeError(
                ErrorCode::InvalidArgument,
                "prompts.class_prompts: " + std::to_string(settings.classPrompts.size()) +
                    " prompts for " + std::to_string(classNames.size()) +
                    " classes (give one per class, in label order)");
        }
        return settings.classPrompts;
    }
    const bool defaultTemplate = settings.classTemplate == PromptSettings{}.classTemplate;
    if (defaultTemplate) {
        for (const PromptTable &table : referenceTables()) {
            if (table.classNames == classNames) {
                return table.prompts;
            }
        }
    }
    std::vector<std::string> prompts;
    prompts.reserve(classNames.size());
    for (const std::string &name : classNames) {
        prompts.push_back(fillTemplate(settings.classTemplate, name));
    }
    return prompts;
}

} // namespace dpsapf::core
