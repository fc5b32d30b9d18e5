// SPDX-License-Identifier: GPL-3.0-or-later
// DP training checkpoints: atomic write and read.
#include "pipeline/dp_checkpoint.h"

#include "pipeline/run_context.h"
#include "train/training_checkpoint.h"

#include <torch/torch.h>

namespace dpsapf::core {
namespace {

namespace fs = std::filesystem;
constexpr const char *kFormat = "dpsapf-dp-checkpoint-v1";

} // namespace

Expected<bool> writeDpCheckpoint(const fs::path &dir, const DpCheckpoint &checkpoint,
                                 const CheckpointCommitHook &beforeCommit)
{
    const Expected<fs::path> created = freshTemporaryFolder(dir);
    if (!created) {
        return created.error();
    }
    const fs::path temporary = created.value();
    const auto fail = [&](const Error &failure) -> Expected<bool> {
        std::error_code ignored;
        fs::remove_all(temporary, ignored);
        return failure;
    };
    if (auto done = saveSafetensorsTensors(temporary / "trainable.safetensors",
                                           checkpoint.trainable, {{"format", "pt"}});
        !done) {
        return fail(done.error());
    }
    if (auto done = saveSafetensorsTensors(temporary / "optimizer.safetensors",
                                           checkpoint.optimizer, {{"format", "dpsapf-adamw"}});
        !done) {
        return fail(done.error());
    }
    if (auto done =
            saveSafetensorsTensors(temporary / "rng.safetensors",
                                   {{"diffusion_loss_generator", checkpoint.lossGeneratorState}});
        !done) {
        return fail(done.error());
    }
    if (!checkpoint.ledger.is_null()) {
        if (auto done = writeJsonFile(temporary / "ledger.json", checkpoint.ledger); !done) {
            return fail(done.error());
        }
    }
    const nlohmann::json state{{"format", kFormat},
                               {"step", checkpoint.step},
                               {"finished", checkpoint.finished},
                               {"sampler_state", checkpoint.samplerState},
                               {"noise_state", checkpoint.noiseState},
                               {"elapsed_seconds", checkpoint.elapsedSeconds}};
    if (auto done = writeJsonFile(temporary / "state.json", state); !done) {
        return fail(done.error());
    }
    if (beforeCommit) {
        if (auto allowed = beforeCommit(temporary); !allowed) {
            return fail(allowed.error());
        }
    }
    return commitFolder(temporary, dir);
}

Expected<DpCheckpoint> readDpCheckpoint(const fs::path &dir)
{
    const fs::path folder = existingFolder(dir);
    if (folder.empty()) {
        return makeError(ErrorCode::Io, dir.string() + ": no checkpoint");
    }
    DpCheckpoint checkpoint;
    Expected<nlohmann::json> state = readJsonFile(folder / "state.json");
    if (!state) {
        return state.error();
    }
    try {
        if (state->at("format").get<std::string>() != kFormat) {
            return makeError(ErrorCode::Format,
                             (folder / "state.json").string() + ": unknown checkpoint format");
        }
        checkpoint.step = state->at("step").get<std::int64_t>();
        checkpoint.finished = state->value("finished", false);
        checkpoint.samplerState = state->at("sampler_state").get<std::string>();
        checkpoint.noiseState = state->at("noise_state").get<std::string>();
        checkpoint.elapsedSeconds = state->value("elapsed_seconds", 0.0);
    } catch (const nlohmann::json::exception &exception) {
        return makeError(ErrorCode::Format,
                         (folder / "state.json").string() + ": " + exception.what());
    }
    for (const auto &[name, into] :
         {std::pair<const char *, TensorMap *>{"trainable.safetensors", &checkpoint.trainable},
          {"optimizer.safetensors", &checkpoint.optimizer}}) {
        Expected<TensorMap> tensors = loadSafetensorsTensors(folder / name);
        if (!tensors) {
            return tensors.error();
        }
        *into = std::move(tensors).value();
    }
    Expected<TensorMap> rng = loadSafetensorsTensors(folder / "rng.safetensors");
    if (!rng) {
        return rng.error();
    }
    const auto generator = rng->find("diffusion_loss_generator");
    if (generator == rng->end() || generator->second.scalar_type() != torch::kUInt8) {
        return makeError(ErrorCode::Format, (folder / "rng.safetensors").string() +
                                                ": no uint8 'diffusion_loss_generator'");
    }
    checkpoint.lossGeneratorState = generator->second;
    if (fs::exists(folder / "ledger.json")) {
        Expected<nlohmann::json> ledger = readJsonFile(folder / "ledger.json");
        if (!ledger) {
            return ledger.error();
        }
        checkpoint.ledger = std::move(ledger).value();
    }
    return checkpoint;
}

} // namespace dpsapf::core
