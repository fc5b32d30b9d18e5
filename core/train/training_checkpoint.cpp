// SPDX-License-Identifier: GPL-3.0-or-later
// Atomic model folders and training checkpoints (weights, AdamW state, RNG state, step).
#include "train/training_checkpoint.h"

#include "dpsapf/core/atomic_file.h"
#include "io/lenient_json.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <mutex>
#include <sstream>
#include <string>
#include <type_traits>

namespace dpsapf::core {
namespace {

namespace fs = std::filesystem;

constexpr const char *kTrainingFolder = "training";
constexpr const char *kExpAvg = "exp_avg/";
constexpr const char *kExpAvgSq = "exp_avg_sq/";
constexpr const char *kStep = "step/";

Error ioError(const fs::path &path, const std::string &what, const std::error_code &error)
{
    return makeError(ErrorCode::Io, path.string() + ": " + what + " (" + error.message() + ")");
}

Expected<bool> writeJson(const fs::path &path, const nlohmann::json &json)
{
    return writeFileAtomically(path, json.dump(2) + "\n");
}

TensorMap cpuCopy(const TensorMap &tensors)
{
    TensorMap out;
    for (const auto &[name, tensor] : tensors) {
        out.emplace(name, tensor.detach().to(torch::kCPU).contiguous());
    }
    return out;
}

// torch::optim keys a parameter's state by its TensorImpl: as the printed pointer in LibTorch 1.x
// and as the pointer itself in 2.x.
template <typename StateMap>
typename StateMap::key_type stateKey(const StateMap & /*states*/, const torch::Tensor &parameter)
{
    using Key = typename StateMap::key_type;
    if constexpr (std::is_same_v<Key, std::string>) {
        std::ostringstream printed;
        printed << parameter.unsafeGetTensorImpl(); // as c10::guts::to_string prints it
        return printed.str();
    } else {
        return static_cast<Key>(parameter.unsafeGetTensorImpl());
    }
}

} // namespace

Expected<bool> writeModelFiles(const fs::path &folder, const ModelFiles &files)
{
    std::error_code error;
    fs::create_directories(folder / "unet", error);
    if (error) {
        return ioError(folder / "unet", "cannot create", error);
    }
    if (auto done = writeJson(folder / "unet" / "config.json", files.unetConfig->toConfigJson());
        !done) {
        return done;
    }
    if (auto done = saveSafetensorsTensors(folder / "unet" / "diffusion_pytorch_model.safetensors",
                                           cpuCopy(*files.unetWeights), {{"format", "pt"}});
        !done) {
        return done;
    }
    ClassConditioner conditioner = files.conditioner;
    if (auto done = saveClassConditioner(folder, conditioner, *files.classNames); !done) {
        return done;
    }
    nlohmann::json scheduler = files.scheduler->toJson();
    scheduler["_class_name"] = "DDIMScheduler";
    if (auto done = writeJson(folder / "scheduler_config.json", scheduler); !done) {
        return done;
    }
    const std::int64_t factor = files.pixelUnshuffle;
    const nlohmann::json model{{"format", "dpsapf-pixel-diffusion-v1"},
                               {"image_size", files.unetConfig->sampleSize * factor},
                               {"image_channels", files.unetConfig->inChannels / (factor * factor)},
                               {"pixel_unshuffle", factor},
                               {"value_range", {-1.0, 1.0}},
                               {"prediction_type", "epsilon"},
                               {"conditioner", "conditioner.json"},
                               {"class_names", *files.classNames}};
    return writeJson(folder / "dpsapf_model.json", model);
}

fs::path existingFolder(const fs::path &dir)
{
    std::error_code error;
    if (fs::is_directory(dir, error)) {
        return dir;
    }
    const fs::path old = dir.string() + ".old";
    if (fs::is_directory(old, error)) {
        return old;
    }
    return {};
}

Expected<bool> commitFolder(const fs::path &temporary, const fs::path &target)
{
    const fs::path old = target.string() + ".old";
    std::error_code error;
    if (fs::is_directory(target, error)) {
        fs::remove_all(old, error);
        fs::rename(target, old, error);
        if (error) {
            return ioError(target, "cannot move aside", error);
        }
    }
    fs::rename(temporary, target, error);
    if (error) {
        std::error_code ignored;
        fs::rename(old, target, ignored); // put the previous folder back
        return ioError(target, "cannot replace", error);
    }
    fs::remove_all(old, error); // best effort: a leftover .old is harmless
    return true;
}

TensorMap optimizerStateTensors(const torch::optim::AdamW &optimizer,
                                const TrainableTensors &trainable)
{
    TensorMap tensors;
    const auto &states = optimizer.state();
    for (const auto &[name, parameter] : trainable.named) {
        const auto found = states.find(stateKey(states, parameter));
        if (found == states.end()) {
            continue; // never stepped (step 0)
        }
        const auto &state = static_cast<const torch::optim::AdamWParamState &>(*found->second);
        tensors.emplace(kExpAvg + name, state.exp_avg().detach().to(torch::kCPU).contiguous());
        tensors.emplace(kExpAvgSq + name, state.exp_avg_sq().detach().to(torch::kCPU).contiguous());
        tensors.emplace(kStep + name, torch::tensor(state.step(), torch::kInt64));
    }
    return tensors;
}

Expected<fs::path> freshTemporaryFolder(const fs::path &target)
{
    const fs::path temporary = target.string() + ".tmp";
    std::error_code error;
    fs::remove_all(temporary, error); // a stale folder of an interrupted write
    fs::create_directories(temporary, error);
    if (error) {
        return ioError(temporary, "cannot create", error);
    }
    return temporary;
}

Expected<bool> writeTrainingCheckpoint(const fs::path &dir, const CheckpointContents &contents,
                                       const BeforeCommitHook &beforeCommit)
{
    const Expected<fs::path> created = freshTemporaryFolder(dir);
    if (!created) {
        return created.error();
    }
    const fs::path temporary = created.value();
    std::error_code error;
    fs::create_directories(temporary / kTrainingFolder, error);
    if (error) {
        return ioError(temporary, "cannot create", error);
    }
    const auto fail = [&](const Error &failure) -> Expected<bool> {
        std::error_code ignored;
        fs::remove_all(temporary, ignored);
        return failure;
    };
    if (auto done = writeModelFiles(temporary, contents.model); !done) {
        return fail(done.error());
    }
    const fs::path training = temporary / kTrainingFolder;
    if (auto done =
            saveSafetensorsTensors(training / "unet.safetensors", cpuCopy(*contents.rawUnet));
        !done) {
        return fail(done.error());
    }
    if (auto done = saveSafetensorsTensors(training / "conditioner.safetensors",
                                           cpuCopy(*contents.rawConditioner));
        !done) {
        return fail(done.error());
    }
    if (contents.ema != nullptr) {
        if (auto done =
                saveSafetensorsTensors(training / "ema.safetensors", cpuCopy(*contents.ema));
            !done) {
            return fail(done.error());
        }
    }
    if (auto done =
            saveSafetensorsTensors(training / "optimizer.safetensors",
                                   optimizerStateTensors(*contents.optimizer, *contents.trainable),
                                   {{"format", "dpsapf-adamw"}});
        !done) {
        return fail(done.error());
    }
    torch::Tensor generatorState;
    {
        torch::Generator generator = contents.generator;
        std::lock_guard<std::mutex> lock(generator.mutex());
        generatorState = generator.get_state();
    }
    if (auto done = saveSafetensorsTensors(training / "rng.safetensors",
                                           {{"torch_cpu_generator", generatorState}});
        !done) {
        return fail(done.error());
    }
    const TrainingState &state = contents.state;
    const nlohmann::json stateJson{{"format", "dpsapf-pretrain-checkpoint-v1"},
                                   {"step", state.step},
                                   {"data_order_rng", state.dataOrderRngState},
                                   {"data_epoch", state.dataEpoch},
                                   {"data_position", state.dataPosition},
                                   {"corpus_fingerprint", state.corpusFingerprint},
                                   {"elapsed_seconds", state.elapsedSeconds},
                                   {"ema", contents.ema != nullptr},
                                   {"config", state.config}};
    if (auto done = writeJson(training / "state.json", stateJson); !done) {
        return fail(done.error());
    }
    if (beforeCommit) {
        if (auto allowed = beforeCommit(temporary); !allowed) {
            return fail(allowed.error());
        }
    }
    if (auto done = commitFolder(temporary, dir); !done) {
        return fail(done.error());
    }
    return true;
}

Expected<LoadedCheckpoint> readTrainingCheckpoint(const fs::path &dir)
{
    const fs::path folder = existingFolder(dir);
    if (folder.empty()) {
        return makeError(ErrorCode::Io, dir.string() + ": no checkpoint folder");
    }
    const fs::path training = folder / kTrainingFolder;
    const Expected<nlohmann::json> stateJson = readLenientJson(training / "state.json");
    if (!stateJson) {
        return stateJson.error();
    }
    LoadedCheckpoint loaded;
    bool hasEma = false;
    try {
        const nlohmann::json &json = stateJson.value();
        if (json.value("format", std::string()) != "dpsapf-pretrain-checkpoint-v1") {
            return makeError(ErrorCode::Format,
                             (training / "state.json").string() + ": unknown checkpoint format");
        }
        loaded.state.step = json.at("step").get<std::int64_t>();
        loaded.state.dataOrderRngState = json.at("data_order_rng").get<std::string>();
        loaded.state.dataEpoch = json.at("data_epoch").get<std::int64_t>();
        loaded.state.dataPosition = json.at("data_position").get<std::int64_t>();
        loaded.state.corpusFingerprint = json.at("corpus_fingerprint").get<std::string>();
        loaded.state.elapsedSeconds = json.value("elapsed_seconds", 0.0);
        loaded.state.config = json.at("config");
        hasEma = json.value("ema", false);
    } catch (const nlohmann::json::exception &error) {
        return makeError(ErrorCode::Format,
                         (training / "state.json").string() + ": " + error.what());
    }
    const auto load = [&](const char *name, TensorMap &into) -> Expected<bool> {
        Expected<TensorMap> tensors = loadSafetensorsTensors(training / name);
        if (!tensors) {
            return tensors.error();
        }
        into = std::move(tensors).value();
        return true;
    };
    for (const auto &[name, into] :
         {std::pair<const char *, TensorMap *>{"unet.safetensors", &loaded.rawUnet},
          {"conditioner.safetensors", &loaded.rawConditioner},
          {"optimizer.safetensors", &loaded.optimizer}}) {
        if (auto done = load(name, *into); !done) {
            return done.error();
        }
    }
    if (hasEma) {
        if (auto done = load("ema.safetensors", loaded.ema); !done) {
            return done.error();
        }
    }
    TensorMap rng;
    if (auto done = load("rng.safetensors", rng); !done) {
        return done.error();
    }
    const auto generator = rng.find("torch_cpu_generator");
    if (generator == rng.end() || generator->second.scalar_type() != torch::kUInt8) {
        return makeError(ErrorCode::Format, (training / "rng.safetensors").string() +
                                                ": no uint8 tensor 'torch_cpu_generator'");
    }
    loaded.generatorState = generator->second;
    return loaded;
}

Expected<bool> restoreOptimizer(torch::optim::AdamW &optimizer, const TrainableTensors &trainable,
                                const TensorMap &saved)
{
    for (const auto &[name, parameter] : trainable.named) {
        const auto expAvg = saved.find(kExpAvg + name);
        const auto expAvgSq = saved.find(kExpAvgSq + name);
        const auto step = saved.find(kStep + name);
        if (expAvg == saved.end() || expAvgSq == saved.end() || step == saved.end()) {
            return makeError(ErrorCode::Format, "optimizer state lacks '" + name + "'");
        }
        if (expAvg->second.sizes() != parameter.sizes() ||
            expAvgSq->second.sizes() != parameter.sizes()) {
            return makeError(ErrorCode::Format,
                             "optimizer state of '" + name + "' has the wrong shape");
        }
        auto state = std::make_unique<torch::optim::AdamWParamState>();
        state->step(step->second.item<std::int64_t>());
        state->exp_avg(expAvg->second.to(parameter.options()).clone());
        state->exp_avg_sq(expAvgSq->second.to(parameter.options()).clone());
        optimizer.state()[stateKey(optimizer.state(), parameter)] = std::move(state);
    }
    return true;
}

} // namespace dpsapf::core
