package dev.orgos.console.session;

import dev.orgos.console.ConsoleConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The demo's people, for development sign-in: read from the file ./orgos up writes (name, roles,
 * a token it minted). Read on each use, so a restarted mesh's fresh tokens are picked up.
 */
@ApplicationScoped
public class DevSignIns {

    @io.quarkus.qute.TemplateData

    public record Person(String name, String roles, String token) {
    }

    @Inject
    ConsoleConfig config;

    public boolean enabled() {
        return config.devSignIns().isPresent();
    }

    public List<Person> people() {
        if (config.devSignIns().isEmpty() || !Files.isRegularFile(config.devSignIns().get())) {
            return List.of();
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(config.devSignIns().get())) {
            p.load(in);
        } catch (IOException e) {
            return List.of();
        }
        List<Person> people = new ArrayList<>();
        for (String name : p.getProperty("people", "").split(",")) {
            String n = name.trim();
            if (!n.isEmpty() && p.getProperty(n + ".token") != null) {
                people.add(new Person(n, p.getProperty(n + ".roles", ""), p.getProperty(n + ".token")));
            }
        }
        return people;
    }

    public Optional<Person> person(String name) {
        return people().stream().filter(x -> x.name().equals(name)).findFirst();
    }
}
