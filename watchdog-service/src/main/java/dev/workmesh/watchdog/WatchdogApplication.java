package dev.workmesh.watchdog;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class WatchdogApplication {

  public static void main(String[] args) {
    SpringApplication.run(WatchdogApplication.class, args);
  }
}
